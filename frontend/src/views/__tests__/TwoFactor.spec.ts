import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'

import { aProfile, fakeApi, problem } from '@/api/__tests__/http'
import AccountTwoFactor from '@/components/AccountTwoFactor.vue'
import { useAuthStore } from '@/stores/auth'
import LogInView from '@/views/LogInView.vue'
import { fieldByLabel } from '@/views/__tests__/fields'

async function mountAt(component: typeof LogInView, path: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', component: LogInView },
      { path: '/account', component: AccountTwoFactor },
      { path: '/settings', component: { template: '<p>settings</p>' } },
      { path: '/signup', component: { template: '<p>signup</p>' } },
      { path: '/forgot-password', component: { template: '<p>forgot</p>' } },
    ],
  })
  await router.push(path)
  return { router, wrapper: mount(component, { global: { plugins: [router] } }) }
}

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.unstubAllGlobals())

describe('LogInView with two-factor sign-in', () => {
  it('asks for the code after the password and signs in with it', async () => {
    const { calls } = fakeApi({
      'POST /auth/login': { body: { mfa_required: true, mfa_token: 'M1' } },
      'POST /auth/login/mfa': { body: { user: aProfile(), access_token: 'A1' } },
    })
    const { wrapper, router } = await mountAt(LogInView, '/login')
    await fieldByLabel(wrapper, 'Email').setValue('ada@example.com')
    await fieldByLabel(wrapper, 'Password').setValue('pw')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(useAuthStore().isAuthenticated).toBe(false) // no session before the code
    const code = fieldByLabel(wrapper, 'Code from your authenticator app')
    expect(code.attributes('autocomplete')).toBe('one-time-code')
    expect(code.attributes('inputmode')).toBe('numeric')
    await code.setValue('123456')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(calls.at(-1)!.body).toEqual({ mfa_token: 'M1', code: '123456' })
    expect(useAuthStore().accessToken).toBe('A1')
    expect(router.currentRoute.value.path).toBe('/settings')
  })

  it('takes a recovery code instead, and shows a wrong code', async () => {
    fakeApi({
      'POST /auth/login': { body: { mfa_required: true, mfa_token: 'M1' } },
      'POST /auth/login/mfa': problem(401, { detail: 'The code is wrong or was already used.' }),
    })
    const { wrapper } = await mountAt(LogInView, '/login')
    await fieldByLabel(wrapper, 'Email').setValue('ada@example.com')
    await fieldByLabel(wrapper, 'Password').setValue('pw')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Use a recovery code')!
      .trigger('click')
    await fieldByLabel(wrapper, 'Recovery code').setValue('abcde-12345')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('The code is wrong or was already used.')
    expect(useAuthStore().isAuthenticated).toBe(false)
  })
})

describe('AccountTwoFactor', () => {
  it('enrols: password, then QR + secret and a code, then the recovery codes once', async () => {
    const codes = Array.from({ length: 10 }, (_, n) => `code${n}-00000`)
    const { calls } = fakeApi({
      'POST /me/2fa/totp': {
        body: {
          secret: 'JBSWY3DP',
          otpauth_uri: 'otpauth://totp/x',
          qr_svg: 'data:image/svg+xml,x',
        },
      },
      'POST /me/2fa/totp/confirm': { body: { recovery_codes: codes } },
    })
    const auth = useAuthStore()
    auth.accessToken = 'T'
    auth.user = aProfile()
    const { wrapper } = await mountAt(AccountTwoFactor, '/account')
    await fieldByLabel(wrapper, 'Your password').setValue('pw')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(calls[0]!.body).toEqual({ password: 'pw' })
    expect(wrapper.get('img').attributes('src')).toBe('data:image/svg+xml,x')
    expect(wrapper.get('[data-test="totp-secret"]').text()).toBe('JBSWY3DP')
    await fieldByLabel(wrapper, 'Code from the app').setValue('654321')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.findAll('[data-test="recovery-codes"] li').map((li) => li.text())).toEqual(codes)
    expect(auth.user?.totp_enabled).toBe(true)
    await wrapper.get('[data-test="codes-stored"]').trigger('click')
    expect(wrapper.find('[data-test="recovery-codes"]').exists()).toBe(false) // shown once
    expect(wrapper.text()).toContain('Turn off two-factor sign-in')
  })

  it('turns off with password and code', async () => {
    const { calls } = fakeApi({ 'DELETE /me/2fa/totp': { status: 204 } })
    const auth = useAuthStore()
    auth.accessToken = 'T'
    auth.user = aProfile({ totp_enabled: true })
    const { wrapper } = await mountAt(AccountTwoFactor, '/account')
    await fieldByLabel(wrapper, 'Your password').setValue('pw')
    await fieldByLabel(wrapper, 'Code from the app (or a recovery code)').setValue('111222')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(calls[0]!.body).toEqual({ password: 'pw', code: '111222' })
    expect(auth.user?.totp_enabled).toBe(false)
  })
})
