import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'

import { anAuditEntry } from '@/api/__tests__/admin'
import { fakeApi, problem } from '@/api/__tests__/http'
import { useAuthStore } from '@/stores/auth'
import AdminAuditView from '@/views/AdminAuditView.vue'

beforeEach(() => {
  setActivePinia(createPinia())
  useAuthStore().accessToken = 'T'
})
afterEach(() => vi.unstubAllGlobals())

async function mounted() {
  const wrapper = mount(AdminAuditView, { global: { stubs: { RouterLink: RouterLinkStub } } })
  await flushPromises()
  return wrapper
}

const cells = (row: { findAll: (s: string) => { text: () => string }[] }) =>
  row.findAll('td').map((cell) => cell.text())

describe('AdminAuditView', () => {
  it('names people by handle and the command line as such, and pages on', async () => {
    const setRole = anAuditEntry({
      id: 'e1',
      actor: 'cli:root',
      actor_handle: null,
      action: 'set-role',
      target_handle: 'root_admin',
      reason: '',
      details: { from: 'user', to: 'admin' },
    })
    fakeApi({
      'GET /admin/audit': [
        { body: { items: [anAuditEntry({ id: 'e2' })], next_cursor: 'e2' } },
        { body: { items: [setRole], next_cursor: null } },
      ],
    })
    const wrapper = await mounted()
    const rows = () => wrapper.findAll('[data-test="entry"]')
    expect(cells(rows()[0]!).slice(1)).toEqual(['@root_admin', 'suspended', '@bob', 'Spam bot.'])
    await wrapper.get('[data-test="more"]').trigger('click')
    await flushPromises()
    expect(cells(rows()[1]!).slice(1, 4)).toEqual([
      'command line (root)',
      'set the role of (user → admin)',
      '@root_admin',
    ])
    expect(rows()[1]!.get('time').attributes('datetime')).toBe('2026-12-01T10:00:00Z')
    expect(wrapper.find('[data-test="more"]').exists()).toBe(false)
  })

  it('says what went wrong when the log cannot be read', async () => {
    fakeApi({ 'GET /admin/audit': problem(403, { detail: 'Admins only.' }) })
    const wrapper = await mounted()
    expect(wrapper.get('[role="alert"]').text()).toBe('Admins only.')
  })
})
