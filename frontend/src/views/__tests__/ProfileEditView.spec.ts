import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'

import { fakeApi, problem } from '@/api/__tests__/http'
import { useAuthStore } from '@/stores/auth'
import { fieldByLabel } from '@/views/__tests__/fields'
import ProfileEditView from '@/views/ProfileEditView.vue'

const me = {
  handle: 'ada',
  display_name: 'Ada',
  email: 'ada@example.com',
  bio: 'Old bio',
  location: '',
  website: '',
  avatar: null,
}

async function setup() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/settings', component: ProfileEditView },
      { path: '/@:handle', name: 'public-profile', component: { template: '<p />' } },
    ],
  })
  await router.push('/settings')
  // Attached to the document: the tests look at where the focus goes.
  const wrapper = mount(ProfileEditView, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const field = fieldByLabel

beforeEach(() => {
  setActivePinia(createPinia())
  useAuthStore().accessToken = 'T'
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('ProfileEditView', () => {
  it('fills the form from /me and saves the edits', async () => {
    const { calls } = fakeApi({
      'GET /me': { body: me, headers: { ETag: '"1"' } },
      'PATCH /me': (call) => ({ body: { ...me, ...(call.body as object) } }),
    })
    const wrapper = await setup()
    expect((field(wrapper, 'Bio').element as HTMLTextAreaElement).value).toBe('Old bio')
    await field(wrapper, 'Bio').setValue('Wrote the first program.')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(calls.at(-1)!.body).toMatchObject({ bio: 'Wrote the first program.' })
    expect(calls.at(-1)!.headers['If-Match']).toBe('"1"')
    expect(wrapper.text()).toContain('Profile saved.')
  })

  it('shows the latest profile when it changed elsewhere (412), without overwriting it', async () => {
    fakeApi({
      'GET /me': [{ body: me }, { body: { ...me, bio: 'Edited on my phone' } }],
      'PATCH /me': problem(412),
    })
    const wrapper = await setup()
    await field(wrapper, 'Bio').setValue('Edited on my laptop')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect((field(wrapper, 'Bio').element as HTMLTextAreaElement).value).toBe('Edited on my phone')
    expect(wrapper.get('form [role="alert"]').text()).toMatch(/changed elsewhere/)
  })

  it('asks before removing the picture', async () => {
    const avatar = { urls: { '256': '/media/k256' }, master: { width: 10, height: 10 } }
    const { calls } = fakeApi({
      'GET /me': [{ body: { ...me, avatar } }, { body: me }],
      'DELETE /me/avatar': { status: 204 },
    })
    const wrapper = await setup()
    await wrapper.get('[data-test="remove-avatar"]').trigger('click')
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false)
    await wrapper.get('[data-test="confirm-remove"]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'DELETE' && c.path === '/me/avatar')).toBe(true)
    expect(wrapper.text()).toContain('Your picture was removed.')
    // The picture's buttons went with it: focus is on the picture's heading, not on <body>.
    expect(document.activeElement).toBe(wrapper.get('#picture-heading').element)
  })

  it('focuses the confirmation, and Escape keeps the picture with focus back', async () => {
    const avatar = { urls: { '256': '/media/k256' }, master: { width: 10, height: 10 } }
    const { calls } = fakeApi({ 'GET /me': { body: { ...me, avatar } } })
    const wrapper = await setup()
    await wrapper.get('[data-test="remove-avatar"]').trigger('click')
    await flushPromises()
    expect(document.activeElement?.textContent?.trim()).toBe('Keep')
    expect(wrapper.get('[role="group"]').attributes('aria-labelledby')).toBeTruthy()
    await wrapper.get('[role="group"]').trigger('keydown', { key: 'Escape' })
    await flushPromises()
    expect(wrapper.find('[data-test="confirm-remove"]').exists()).toBe(false)
    expect(document.activeElement).toBe(wrapper.get('[data-test="remove-avatar"]').element)
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false)
  })

  it('moves focus into the framing editor and back to its button when it closes', async () => {
    const avatar = {
      urls: { '256': '/media/k256' },
      master: { width: 200, height: 100, url: '/media/master.jpg' },
      crop: { x: 0, y: 0, width: 100, height: 100 },
    }
    fakeApi({ 'GET /me': { body: { ...me, avatar } } })
    const wrapper = await setup()
    await wrapper.get('[data-test="reframe"]').trigger('click')
    await flushPromises()
    expect(document.activeElement).toBe(wrapper.get('[data-test="frame"]').element)
    await wrapper.get('[data-test="frame"]').trigger('keydown', { key: 'Escape' })
    await flushPromises()
    expect(wrapper.find('[data-test="frame"]').exists()).toBe(false)
    expect(document.activeElement).toBe(wrapper.get('[data-test="reframe"]').element)
    await wrapper.get('[data-test="reframe"]').trigger('click')
    await flushPromises()
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Cancel')!
      .trigger('click')
    await flushPromises()
    expect(document.activeElement).toBe(wrapper.get('[data-test="reframe"]').element)
  })

  it('focuses the message when saving fails without a field to fix', async () => {
    fakeApi({
      'GET /me': { body: me },
      'PATCH /me': { ...problem(503, { detail: 'The database is unreachable.' }) },
    })
    const wrapper = await setup()
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const alert = wrapper.get('form [role="alert"]')
    expect(alert.text()).toBe('The database is unreachable.')
    expect(document.activeElement).toBe(alert.element)
  })
})
