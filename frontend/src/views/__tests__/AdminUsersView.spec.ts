import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'

import { anAdminUser, aSuspension } from '@/api/__tests__/admin'
import { fakeApi, problem } from '@/api/__tests__/http'
import { useAuthStore } from '@/stores/auth'
import AdminUsersView from '@/views/AdminUsersView.vue'

const bob = anAdminUser({ has_avatar: true })

beforeEach(() => {
  setActivePinia(createPinia())
  useAuthStore().accessToken = 'T'
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

async function setup() {
  const stub = { template: '<p />' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/admin/users', name: 'admin-users', component: AdminUsersView },
      { path: '/admin/audit', name: 'admin-audit', component: stub },
      { path: '/admin/webhooks', name: 'admin-webhooks', component: stub },
      { path: '/@:handle', name: 'public-profile', component: stub },
    ],
  })
  await router.push('/admin/users')
  // Attached to the document: the tests look at where the focus goes.
  const wrapper = mount(AdminUsersView, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const focused = () => document.activeElement as HTMLElement

describe('AdminUsersView', () => {
  it('lists accounts with their state, searches, and loads more', async () => {
    const suspended = anAdminUser({ id: 'u2', handle: 'eve', suspended: aSuspension() })
    const { calls } = fakeApi({
      'GET /admin/users': [
        { body: { items: [bob], next_cursor: 'u1' } },
        { body: { items: [suspended], next_cursor: null } },
        { body: { items: [], next_cursor: null } },
      ],
    })
    const wrapper = await setup()
    const rows = () => wrapper.findAll('[data-test="user"]')
    expect(rows()[0]!.text()).toContain('bob@example.com')
    expect(rows()[0]!.get('[data-test="state"]').text()).toContain('Active, has a picture')
    await wrapper.get('[data-test="more"]').trigger('click')
    await flushPromises()
    expect(rows()[1]!.get('[data-test="state"]').text()).toMatch(/Suspended .* by @root_admin/)
    expect(rows()[1]!.get('[data-test="state"]').text()).toContain('Spam bot.')
    expect(rows()[1]!.find('[data-test="unsuspend"]').exists()).toBe(true)
    expect(rows()[1]!.find('[data-test="remove"]').exists()).toBe(false) // no picture
    expect(focused().textContent).toContain('@eve') // the first new account
    expect(wrapper.find('[data-test="more"]').exists()).toBe(false)
    await wrapper.get('[data-test="search"]').setValue('zed')
    await wrapper.get('form[role="search"]').trigger('submit')
    await flushPromises()
    expect(calls[2]!.query.get('q')).toBe('zed')
    expect(wrapper.get('[data-test="count"]').text()).toBe('No account matches.')
  })

  it('suspends with a required reason, focus moving in and on to Unsuspend', async () => {
    const { calls } = fakeApi({
      'GET /admin/users': { body: { items: [bob], next_cursor: null } },
      'POST /admin/users/u1/suspension': { body: { ...bob, suspended: aSuspension('Spam.') } },
    })
    const wrapper = await setup()
    await wrapper.get('[data-test="suspend"]').trigger('click')
    await flushPromises()
    expect(focused()).toBe(wrapper.get('[data-test="reason"]').element)
    await wrapper.get('[data-test="confirm"]').trigger('submit')
    await flushPromises()
    expect(calls.some((call) => call.method === 'POST')).toBe(false) // no reason, no call
    expect(wrapper.text()).toContain('Write the reason first')
    await wrapper.get('[data-test="reason"]').setValue(' Spam. ')
    await wrapper.get('form.ask').trigger('submit')
    await flushPromises()
    expect(calls.at(-1)!.body).toEqual({ reason: 'Spam.' })
    expect(wrapper.get('[data-test="state"]').text()).toContain('Suspended')
    expect(wrapper.get('[data-test="note"]').text()).toBe('Suspended.')
    expect(focused()).toBe(wrapper.get('[data-test="unsuspend"]').element)
  })

  it('cancels with Escape, focus returning to the button that asked', async () => {
    const { calls } = fakeApi({
      'GET /admin/users': { body: { items: [bob], next_cursor: null } },
    })
    const wrapper = await setup()
    await wrapper.get('[data-test="remove"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('form.ask').text()).toContain('Remove the picture of @bob?')
    await wrapper.get('[data-test="reason"]').trigger('keydown', { key: 'Escape' })
    await flushPromises()
    expect(wrapper.find('form.ask').exists()).toBe(false)
    expect(focused()).toBe(wrapper.get('[data-test="remove"]').element)
    expect(calls).toHaveLength(1)
  })

  it("shows the API's refusal and keeps the question open", async () => {
    fakeApi({
      'GET /admin/users': { body: { items: [bob], next_cursor: null } },
      'DELETE /admin/users/u1/avatar': problem(409, { detail: 'The avatar is changing now.' }),
    })
    const wrapper = await setup()
    await wrapper.get('[data-test="remove"]').trigger('click')
    await wrapper.get('[data-test="reason"]').setValue('Nudity.')
    await wrapper.get('form.ask').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-test="error"]').text()).toBe('The avatar is changing now.')
    expect(focused()).toBe(wrapper.get('[data-test="error"]').element)
    expect(wrapper.find('form.ask').exists()).toBe(true)
    expect(wrapper.get('[data-test="state"]').text()).toContain('has a picture')
  })
})
