import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'

import { fakeApi, problem, type Reply } from '@/api/__tests__/http'
import SignUpView from '@/views/SignUpView.vue'
import LogInView from '@/views/LogInView.vue'

async function setup(component: typeof SignUpView, path: string, attach = false) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/signup', component: SignUpView },
      { path: '/login', component: LogInView },
      { path: '/settings', name: 'profile-edit', component: { template: '<p>settings</p>' } },
      { path: '/elsewhere', component: { template: '<p>elsewhere</p>' } },
    ],
  })
  await router.push(path)
  // Attached to the document when a test looks at the focus.
  const attachTo = attach ? document.body : undefined
  return { router, wrapper: mount(component, { global: { plugins: [router] }, attachTo }) }
}

async function fill(wrapper: ReturnType<typeof mount>, values: Record<string, string>) {
  for (const [label, value] of Object.entries(values)) {
    const id = wrapper
      .findAll('label')
      .find((l) => l.text() === label)!
      .attributes('for')
    await wrapper.get(`#${id}`).setValue(value)
  }
}

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.unstubAllGlobals())

describe('SignUpView', () => {
  it('shows the server’s field errors next to each field', async () => {
    fakeApi({
      'POST /auth/signup': problem(422, {
        errors: { json: { handle: ['Only a-z, 0-9 and _.'] } },
      }),
    })
    const { wrapper } = await setup(SignUpView, '/signup', true)
    await fill(wrapper, { 'Your name': 'Ada', Handle: 'Ada!', Email: 'a@x.io', Password: 'pw' })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const handle = wrapper.findAll('.form-field').find((f) => f.text().startsWith('Handle'))!
    expect(handle.get('.field-error').text()).toBe('Only a-z, 0-9 and _.')
    expect(handle.get('input').attributes('aria-invalid')).toBe('true')
    expect(wrapper.get('[role="alert"]').text()).toBe('Please fix the highlighted fields.')
    expect(document.activeElement).toBe(handle.get('input').element)
    wrapper.unmount()
  })

  it('disables the button while sending, then opens the profile editor', async () => {
    let answer: (reply: Reply) => void = () => {}
    const { calls } = fakeApi({
      'POST /auth/signup': () => new Promise<Reply>((resolve) => (answer = resolve)),
    })
    const { wrapper, router } = await setup(SignUpView, '/signup')
    await fill(wrapper, {
      'Your name': 'Ada',
      Handle: 'Ada_L',
      Email: 'a@x.io',
      Password: 'pw12345678',
    })
    await wrapper.get('form').trigger('submit')
    // aria-disabled, not disabled: a focused button keeps the focus while the form is sent.
    expect(wrapper.get('button[type="submit"]').attributes('aria-disabled')).toBe('true')
    await wrapper.get('form').trigger('submit') // a second Enter sends nothing more
    expect(calls).toHaveLength(1)
    expect(calls[0]!.body).toMatchObject({ handle: 'ada_l', display_name: 'Ada' })
    answer({ status: 201, body: { user: { handle: 'ada_l' }, access_token: 'T' } })
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/settings')
  })
})

describe('LogInView', () => {
  it('returns to the page that asked for a log-in, but never to another site', async () => {
    const reply = { body: { user: { handle: 'ada' }, access_token: 'T' } }
    fakeApi({ 'POST /auth/login': [reply, reply] })
    for (const [redirect, expected] of [
      ['/elsewhere', '/elsewhere'],
      ['//evil.example/x', '/settings'],
    ]) {
      const { wrapper, router } = await setup(LogInView, `/login?redirect=${redirect}`)
      await fill(wrapper, { Email: 'a@x.io', Password: 'pw' })
      await wrapper.get('form').trigger('submit')
      await flushPromises()
      expect(router.currentRoute.value.path).toBe(expected)
    }
  })

  it('says how long to wait when rate limited, and puts the focus on that message', async () => {
    fakeApi({
      'POST /auth/login': {
        ...problem(429, { detail: 'Too many requests (limit: 30 per 1 minute). Retry later.' }),
        headers: { 'Retry-After': '100' },
      },
    })
    const { wrapper } = await setup(LogInView, '/login', true)
    await fill(wrapper, { Email: 'a@x.io', Password: 'pw' })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const alert = wrapper.get('[role="alert"]')
    expect(alert.text()).toBe('Too many attempts. Try again in 2 minutes.')
    expect(document.activeElement).toBe(alert.element)
    wrapper.unmount()
  })
})
