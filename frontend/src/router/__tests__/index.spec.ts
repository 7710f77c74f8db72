import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

import { aProfile, fakeApi } from '@/api/__tests__/http'
import router from '@/router'
import { useAuthStore } from '@/stores/auth'

beforeEach(() => {
  setActivePinia(createPinia())
  fakeApi({})
})
afterEach(() => vi.unstubAllGlobals())

describe('router', () => {
  it('sends visitors of private pages to log in, and back afterwards', async () => {
    await router.push('/settings/account')
    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.redirect).toBe('/settings/account')
  })

  it('sends signed-in people from log in and sign up to their profile', async () => {
    const auth = useAuthStore()
    auth.accessToken = 'T'
    auth.user = aProfile()
    await router.push('/signup')
    expect(router.currentRoute.value.name).toBe('profile-edit')
  })

  it('opens public pages at /@handle for anyone, and a not-found page for the rest', async () => {
    await router.push('/@ada_l')
    expect(router.currentRoute.value.name).toBe('public-profile')
    expect(router.currentRoute.value.params.handle).toBe('ada_l')
    await router.push('/no/such/page')
    expect(router.currentRoute.value.name).toBe('not-found')
  })

  it.each([
    ['/admin/users', 'moderator'],
    ['/admin/audit?cursor=x', 'user'],
    ['/moderation', 'user'],
  ] as const)('shows %s to a %s as a page that does not exist', async (path, role) => {
    const auth = useAuthStore()
    auth.accessToken = 'T'
    auth.user = aProfile({ role })
    await router.push(path)
    expect(router.currentRoute.value.name).toBe('not-found')
    expect(router.currentRoute.value.fullPath).toBe(path) // the address stays as typed
  })

  it('shows the admin pages to visitors as pages that do not exist, not as a log-in', async () => {
    await router.push('/admin/users')
    expect(router.currentRoute.value.name).toBe('not-found')
  })

  it('opens the admin pages for admins, and the queue for moderators and admins', async () => {
    const auth = useAuthStore()
    auth.accessToken = 'T'
    auth.user = aProfile({ role: 'admin' })
    for (const name of ['admin-users', 'admin-audit', 'moderation']) {
      await router.push({ name })
      expect(router.currentRoute.value.name).toBe(name)
    }
    auth.user = aProfile({ role: 'moderator' })
    await router.push('/')
    await router.push('/moderation')
    expect(router.currentRoute.value.name).toBe('moderation')
  })

  it('shows the admin pages only to admins: others get the not-found page at the same URL', async () => {
    await router.push('/admin/webhooks')
    expect(router.currentRoute.value.name).toBe('not-found')
    expect(router.currentRoute.value.fullPath).toBe('/admin/webhooks')
    const auth = useAuthStore()
    auth.accessToken = 'T'
    auth.user = aProfile({ role: 'moderator' })
    await router.push('/settings')
    await router.push('/admin/webhooks')
    expect(router.currentRoute.value.name).toBe('not-found')
    auth.user = aProfile({ role: 'admin' })
    await router.push('/settings')
    await router.push('/admin/webhooks')
    expect(router.currentRoute.value.name).toBe('admin-webhooks')
  })
})
