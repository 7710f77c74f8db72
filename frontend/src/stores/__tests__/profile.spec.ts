import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

import { fakeApi, problem } from '@/api/__tests__/http'
import { useAuthStore } from '@/stores/auth'
import { useProfileStore } from '@/stores/profile'

const me = { handle: 'ada', display_name: 'Ada', email: 'ada@example.com', bio: '', avatar: null }
const avatar = {
  urls: { '64': '/media/a64', '512': '/media/a512' },
  crop: { x: 10, y: 20, width: 300, height: 300 },
  master: { width: 800, height: 600 },
}

beforeEach(() => {
  setActivePinia(createPinia())
  useAuthStore().accessToken = 'T'
})
afterEach(() => vi.unstubAllGlobals())

describe('useProfileStore', () => {
  it('saves with the ETag it read, and keeps the new one', async () => {
    const { calls } = fakeApi({
      'GET /me': { body: me, headers: { ETag: '"v1"' } },
      'PATCH /me': { body: { ...me, bio: 'Mathematician' }, headers: { ETag: '"v2"' } },
    })
    const profile = useProfileStore()
    await profile.load()
    await profile.save({ bio: 'Mathematician' })
    expect(calls[1]!.headers['If-Match']).toBe('"v1"')
    expect(calls[1]!.body).toEqual({ bio: 'Mathematician' })
    expect(profile.me?.bio).toBe('Mathematician')
    expect(profile.etag).toBe('"v2"')
    expect(useAuthStore().user?.bio).toBe('Mathematician')
  })

  it('surfaces a stale edit (412) and keeps the stored profile', async () => {
    fakeApi({
      'GET /me': { body: me, headers: { ETag: '"v1"' } },
      'PATCH /me': problem(412, { detail: 'The profile changed.' }),
    })
    const profile = useProfileStore()
    await profile.load()
    await expect(profile.save({ bio: 'x' })).rejects.toMatchObject({ status: 412 })
    expect(profile.me?.bio).toBe('')
  })

  it('re-reads the profile after an avatar upload, re-frame and removal', async () => {
    const { calls } = fakeApi({
      'PUT /me/avatar': { body: avatar },
      'PATCH /me/avatar/crop': { body: avatar },
      'DELETE /me/avatar': { status: 204 },
      'GET /me': [
        { body: { ...me, avatar } },
        { body: { ...me, avatar } },
        { body: { ...me, avatar: null } },
      ],
    })
    const profile = useProfileStore()
    await profile.uploadAvatar(new File(['x'], 'me.jpg', { type: 'image/jpeg' }))
    expect(profile.me?.avatar?.urls?.['512']).toBe('/media/a512')
    await profile.recropAvatar({ x: 0, y: 0, width: 600, height: 600 })
    expect(calls.find((c) => c.path === '/me/avatar/crop')!.body).toEqual({
      x: 0,
      y: 0,
      width: 600,
      height: 600,
    })
    await profile.deleteAvatar()
    expect(profile.me?.avatar).toBeNull()
  })

  it('forgets the profile on sign-out and after deleting the account', async () => {
    fakeApi({ 'GET /me': { body: me }, 'DELETE /me': { status: 204 } })
    const auth = useAuthStore()
    const profile = useProfileStore()
    await profile.load()
    auth.clear()
    await vi.waitFor(() => expect(profile.me).toBeNull())

    auth.accessToken = 'T'
    await profile.load()
    await profile.deleteAccount({ password: 'secret words' })
    expect(auth.isAuthenticated).toBe(false)
    await vi.waitFor(() => expect(profile.me).toBeNull())
  })
})
