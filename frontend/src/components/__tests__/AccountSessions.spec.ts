import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'

import { fakeApi } from '@/api/__tests__/http'
import AccountSessions from '@/components/AccountSessions.vue'
import { useAuthStore } from '@/stores/auth'

const at = '2026-12-01T10:00:00+00:00'
const here = {
  id: 's1',
  device: 'Firefox on Linux',
  ip: '192.0.2.1',
  created_at: at,
  last_used_at: at,
  current: true,
}
const phone = { ...here, id: 's2', device: 'Chrome on Android', ip: '192.0.2.2', current: false }
const events = [{ kind: 'login', at, ip: '192.0.2.1', device: 'Firefox on Linux' }]

async function setup(routes: Parameters<typeof fakeApi>[0]) {
  const api = fakeApi({
    'GET /me/sessions': { body: { sessions: [here, phone] } },
    'GET /me/security-events': { body: { events } },
    ...routes,
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/account', component: AccountSessions },
      { path: '/login', name: 'login', component: { template: '<p>login</p>' } },
    ],
  })
  await router.push('/account')
  const wrapper = mount(AccountSessions, { global: { plugins: [router] } })
  await flushPromises()
  return { ...api, router, wrapper }
}

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.unstubAllGlobals())

describe('AccountSessions', () => {
  it('lists the sessions with device, address and "this device", and the events', async () => {
    const { wrapper } = await setup({})
    const rows = wrapper.findAll('[data-test="session"]')
    expect(rows.map((r) => r.find('strong').text())).toEqual([
      'Firefox on Linux',
      'Chrome on Android',
    ])
    expect(rows[0]!.text()).toContain('this device')
    expect(rows[0]!.text()).toContain('192.0.2.1')
    expect(rows[0]!.find('[data-test="end-session"]').exists()).toBe(false) // not your own
    expect(wrapper.get('[data-test="security-events"]').text()).toContain('Signed in')
  })

  it('ends another session and drops it from the list', async () => {
    const { wrapper, calls } = await setup({ 'DELETE /me/sessions/s2': { status: 204 } })
    await wrapper.get('[data-test="end-session"]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'DELETE' && c.path === '/me/sessions/s2')).toBe(true)
    expect(wrapper.findAll('[data-test="session"]')).toHaveLength(1)
  })

  it('logs out everywhere, forgets the token and goes to the login page', async () => {
    const { wrapper, calls, router } = await setup({ 'POST /auth/logout-all': { status: 204 } })
    const auth = useAuthStore()
    auth.accessToken = 'A1'
    await wrapper.get('[data-test="logout-everywhere"]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.path === '/auth/logout-all')).toBe(true)
    expect(auth.isAuthenticated).toBe(false)
    expect(router.currentRoute.value.name).toBe('login')
  })
})
