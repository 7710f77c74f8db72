import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Component } from 'vue'

import { fakeApi, problem } from '@/api/__tests__/http'
import EmailLinkView from '@/views/EmailLinkView.vue'
import ForgotPasswordView from '@/views/ForgotPasswordView.vue'
import LogInView from '@/views/LogInView.vue'
import ResetPasswordView from '@/views/ResetPasswordView.vue'
import SignUpView from '@/views/SignUpView.vue'

const CHECK_INBOX = { status: 202, body: { detail: 'A message is on its way.' } }

async function setup(component: Component, path: string, props: Record<string, unknown> = {}) {
  const stub = { template: '<p>elsewhere</p>' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/signup', component: SignUpView },
      { path: '/login', component: LogInView },
      { path: '/forgot-password', component: ForgotPasswordView },
      { path: '/reset-password', component: ResetPasswordView },
      { path: '/verify-email', component: EmailLinkView, props: { kind: 'verify' } },
      { path: '/settings', name: 'profile-edit', component: stub },
    ],
  })
  await router.push(path)
  const wrapper = mount(component, { props, global: { plugins: [router] } })
  await flushPromises()
  return { router, wrapper }
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

describe('sign-up where the address must be verified', () => {
  it('says to check the inbox and can send the link again', async () => {
    const { calls } = fakeApi({
      'POST /auth/signup': CHECK_INBOX,
      'POST /auth/email/resend': CHECK_INBOX,
    })
    const { wrapper, router } = await setup(SignUpView, '/signup')
    await fill(wrapper, {
      'Your name': 'Ada',
      Handle: 'ada',
      Email: 'a@x.io',
      Password: 'pw12345678',
    })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/signup')
    expect(wrapper.get('[data-test="check-inbox"]').text()).toContain('a@x.io')
    await wrapper.get('button.secondary').trigger('click')
    await flushPromises()
    expect(calls.at(-1)).toMatchObject({ path: '/auth/email/resend', body: { email: 'a@x.io' } })
    expect(wrapper.text()).toContain('A message is on its way.')
  })
})

describe('LogInView', () => {
  it('links to the forgotten-password page', async () => {
    fakeApi({})
    const { wrapper } = await setup(LogInView, '/login')
    expect(wrapper.get('a[href="/forgot-password"]').text()).toBe('Forgot your password?')
  })

  it('offers a new link when the address is not confirmed yet', async () => {
    fakeApi({
      'POST /auth/login': problem(403, {
        type: 'urn:portrait:problem:email-unverified',
        detail: 'Confirm your email address first.',
      }),
    })
    const { wrapper } = await setup(LogInView, '/login')
    expect(wrapper.find('button.secondary').exists()).toBe(false)
    await fill(wrapper, { Email: 'a@x.io', Password: 'pw12345678' })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('Confirm your email address first.')
    expect(wrapper.get('button.secondary').text()).toBe('Send the link again')
  })
})

describe('ForgotPasswordView', () => {
  it('shows the server’s answer, the same for every address', async () => {
    const { calls } = fakeApi({ 'POST /auth/password/forgot': CHECK_INBOX })
    const { wrapper } = await setup(ForgotPasswordView, '/forgot-password')
    await fill(wrapper, { Email: 'a@x.io' })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(calls[0]).toMatchObject({ body: { email: 'a@x.io' } })
    expect(wrapper.get('[role="status"]').text()).toBe('A message is on its way.')
  })
})

describe('ResetPasswordView', () => {
  it('posts the link’s token with the new password', async () => {
    const { calls } = fakeApi({ 'POST /auth/password/reset': { status: 204 } })
    const { wrapper } = await setup(ResetPasswordView, '/reset-password?token=abc')
    await fill(wrapper, { 'New password': 'a new passphrase' })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(calls[0]).toMatchObject({ body: { token: 'abc', password: 'a new passphrase' } })
    expect(wrapper.get('[role="status"]').text()).toContain('Your password is changed')
  })

  it('says when the link is spent and where to get a new one', async () => {
    fakeApi({
      'POST /auth/password/reset': problem(400, {
        type: 'urn:portrait:problem:invalid-token',
        errors: { token: ['invalid or expired'] },
      }),
    })
    const { wrapper } = await setup(ResetPasswordView, '/reset-password?token=old')
    await fill(wrapper, { 'New password': 'a new passphrase' })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toContain('invalid, already used or expired')
    expect(wrapper.get('[role="alert"] a').attributes('href')).toBe('/forgot-password')
  })
})

describe('EmailLinkView', () => {
  it('confirms the address as soon as the page opens', async () => {
    const { calls } = fakeApi({ 'POST /auth/email/verify': { status: 204 } })
    const { wrapper } = await setup(EmailLinkView, '/verify-email?token=t1', { kind: 'verify' })
    expect(calls[0]).toMatchObject({ path: '/auth/email/verify', body: { token: 't1' } })
    expect(wrapper.get('[role="status"]').text()).toBe('Your email address is confirmed.')
  })

  it('says when the link does not work', async () => {
    fakeApi({ 'POST /auth/email/verify': problem(400) })
    const { wrapper } = await setup(EmailLinkView, '/verify-email?token=bad', { kind: 'verify' })
    expect(wrapper.get('[role="alert"]').text()).toContain('invalid, already used or expired')
  })
})
