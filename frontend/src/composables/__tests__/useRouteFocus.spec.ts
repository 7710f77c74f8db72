import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'

import { fakeApi, problem } from '@/api/__tests__/http'
import App from '@/App.vue'
import router from '@/router'

async function app() {
  const wrapper = mount(App, { global: { plugins: [router] }, attachTo: document.body })
  await go('/login')
  return wrapper
}

async function go(path: string) {
  await router.push(path)
  await flushPromises()
}

const announced = () => document.querySelector('[data-test="page-announcer"]')?.textContent?.trim()
const robots = () => document.head.querySelector('meta[name="robots"]')?.getAttribute('content')

beforeEach(() => {
  setActivePinia(createPinia())
  fakeApi({
    'GET /profiles/nobody': problem(404),
    'GET /profiles/ada': { body: { handle: 'ada', display_name: 'Ada Lovelace' } },
    'GET /profiles/slow': () => new Promise<never>(() => {}),
  })
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('route changes', () => {
  it('focus the new page’s heading, name the page and announce it', async () => {
    const wrapper = await app()
    await go('/signup')
    expect(document.activeElement?.tagName).toBe('H1')
    expect(document.activeElement?.textContent).toBe('Create your account')
    expect(document.title).toBe('Create your account · Portrait')
    expect(announced()).toBe('Create your account · Portrait')
    await go('/login')
    expect(document.activeElement?.textContent).toBe('Log in')
    expect(announced()).toBe('Log in · Portrait')
    expect(robots()).toBeUndefined()
    wrapper.unmount()
  })

  it('focus <main> while the new page has no heading yet', async () => {
    const wrapper = await app()
    await go('/@slow')
    expect(wrapper.text()).toContain('Loading…')
    expect(document.activeElement).toBe(document.querySelector('main'))
    wrapper.unmount()
  })

  it('call a page that does not exist "Not found" and keep it out of search engines', async () => {
    const wrapper = await app()
    await go('/no/such/page')
    expect(document.title).toBe('Not found · Portrait')
    expect(robots()).toBe('noindex')
    await go('/@nobody')
    expect(document.title).toBe('Profile not found · Portrait')
    expect(robots()).toBe('noindex')
    await go('/@ada')
    expect(document.title).toBe('Ada Lovelace (@ada) · Portrait')
    expect(announced()).toBe('Ada Lovelace (@ada) · Portrait')
    expect(robots()).toBeUndefined()
    wrapper.unmount()
  })
})
