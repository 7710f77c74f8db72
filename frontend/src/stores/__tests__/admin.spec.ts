import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

import { anAdminUser, aSuspension } from '@/api/__tests__/admin'
import { fakeApi, problem } from '@/api/__tests__/http'
import { useAdminStore } from '@/stores/admin'
import { useAuthStore } from '@/stores/auth'

beforeEach(() => {
  setActivePinia(createPinia())
  useAuthStore().accessToken = 'T'
})
afterEach(() => vi.unstubAllGlobals())

const bob = anAdminUser()
const eve = anAdminUser({ id: 'u2', handle: 'eve', email: 'eve@example.com' })

describe('useAdminStore', () => {
  it('searches by prefix and appends the next page with its cursor', async () => {
    const { calls } = fakeApi({
      'GET /admin/users': [
        { body: { items: [bob], next_cursor: 'u1' } },
        { body: { items: [eve], next_cursor: null } },
      ],
    })
    const admin = useAdminStore()
    await admin.search('  b ')
    await admin.users.more()
    expect(calls.map((call) => Object.fromEntries(call.query))).toEqual([
      { q: 'b' },
      { q: 'b', cursor: 'u1' },
    ])
    expect(admin.users.items.map((user) => user.handle)).toEqual(['bob', 'eve'])
    expect(admin.users.next).toBeNull()
    await admin.users.more() // nothing more to ask for
    expect(calls).toHaveLength(2)
  })

  it('puts the answer of a suspension in place of the listed account', async () => {
    const { calls } = fakeApi({
      'GET /admin/users': { body: { items: [bob, eve], next_cursor: null } },
      'POST /admin/users/u2/suspension': { body: { ...eve, suspended: aSuspension() } },
      'DELETE /admin/users/u2/suspension': { body: eve },
    })
    const admin = useAdminStore()
    await admin.search('')
    await admin.suspend('u2', 'Spam bot.')
    expect(calls[1]!.body).toEqual({ reason: 'Spam bot.' })
    expect(admin.users.items.map((user) => user.suspended?.reason ?? null)).toEqual([
      null,
      'Spam bot.',
    ])
    await admin.unsuspend('u2')
    expect(admin.users.items[1]!.suspended).toBeNull()
  })

  it('keeps the list as it was when the API refuses', async () => {
    fakeApi({
      'GET /admin/users': { body: { items: [bob], next_cursor: null } },
      'DELETE /admin/users/u1/avatar': problem(409, { detail: 'The avatar is changing.' }),
    })
    const admin = useAdminStore()
    await admin.search('')
    await expect(admin.removeAvatar('u1', 'Nudity.')).rejects.toThrow('The avatar is changing.')
    expect(admin.users.items).toEqual([bob])
  })

  it('reads the audit log a page at a time', async () => {
    const { calls } = fakeApi({
      'GET /admin/audit': [
        { body: { items: [{ id: 'e2' }], next_cursor: 'e2' } },
        { body: { items: [{ id: 'e1' }], next_cursor: null } },
      ],
    })
    const admin = useAdminStore()
    await admin.audit.first()
    await admin.audit.more()
    expect(calls[1]!.query.get('cursor')).toBe('e2')
    expect(admin.audit.items.map((entry) => entry.id)).toEqual(['e2', 'e1'])
  })
})
