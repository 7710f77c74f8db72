import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'

import { fakeApi } from '@/api/__tests__/http'
import { useAuthStore } from '@/stores/auth'
import ModerationView from '@/views/ModerationView.vue'

const item = (id: string, handle: string) => ({
  id,
  kind: 'review',
  state: 'open',
  created_at: '2026-12-01T10:00:00Z',
  user: { id: `u${id}`, handle },
  image_url: null,
  labels: [{ label: 'FEMALE_BREAST_EXPOSED', score: 0.31 }],
  reports: 0,
  reasons: [],
  note: '',
  decided: null,
})

beforeEach(() => {
  setActivePinia(createPinia())
  useAuthStore().accessToken = 'T'
})
afterEach(() => vi.unstubAllGlobals())

const press = (key: string) => window.dispatchEvent(new KeyboardEvent('keydown', { key }))

async function mounted() {
  const wrapper = mount(ModerationView, { global: { stubs: { RouterLink: RouterLinkStub } } })
  await flushPromises()
  return wrapper
}

describe('ModerationView', () => {
  it('moves with J and K and approves with A, sending the reason', async () => {
    const { calls } = fakeApi({
      'GET /moderation/queue': [
        { body: { items: [item('1', 'ada'), item('2', 'bob')], next_cursor: null } },
      ],
      'POST /moderation/items/2/decision': { body: { ...item('2', 'bob'), state: 'approved' } },
    })
    const wrapper = await mounted()
    expect(wrapper.get('[data-test="item"]').text()).toContain('1 of 2')
    press('j')
    await flushPromises()
    expect(wrapper.get('[data-test="item"]').text()).toContain('2 of 2')
    press('a') // no reason yet: nothing is sent
    await flushPromises()
    expect(wrapper.get('[data-test="problem"]').text()).toContain('reason')
    await wrapper.get('[data-test="reason"]').setValue('  Fine.  ')
    press('a')
    await flushPromises()
    const decision = calls.find((call) => call.method === 'POST')!
    expect(decision.path).toBe('/moderation/items/2/decision')
    expect(decision.body).toEqual({ decision: 'approve', reason: 'Fine.' })
    expect(wrapper.get('[data-test="item"]').text()).toContain('1 of 1')
    press('k')
    await flushPromises()
    expect(wrapper.get('[data-test="item"]').text()).toContain('@ada')
  })

  it('ignores the shortcuts while the reason is typed', async () => {
    const { calls } = fakeApi({
      'GET /moderation/queue': { body: { items: [item('1', 'ada')], next_cursor: null } },
    })
    const wrapper = await mounted()
    const input = wrapper.get('[data-test="reason"]').element
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'r', bubbles: true }))
    await flushPromises()
    expect(calls.some((call) => call.method === 'POST')).toBe(false)
  })

  it('says so when nothing is waiting', async () => {
    fakeApi({ 'GET /moderation/queue': { body: { items: [], next_cursor: null } } })
    expect((await mounted()).get('[data-test="empty"]').text()).toContain('Nothing is waiting')
  })
})
