import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

import { fakeApi, problem } from '@/api/__tests__/http'
import { aDelivery, aWebhook } from '@/api/__tests__/webhooks'
import { useAuthStore } from '@/stores/auth'
import { useWebhooksStore } from '@/stores/webhooks'

beforeEach(() => {
  setActivePinia(createPinia())
  useAuthStore().accessToken = 'T'
})
afterEach(() => vi.unstubAllGlobals())

const SECRET = 'whsec_c2VjcmV0'

describe('useWebhooksStore', () => {
  it('loads the endpoints and each one’s latest deliveries', async () => {
    const { calls } = fakeApi({
      'GET /admin/webhooks': { body: { items: [aWebhook()] } },
      'GET /admin/webhooks/h1/deliveries': { body: { items: [aDelivery()] } },
    })
    const store = useWebhooksStore()
    await store.load()
    expect(store.endpoints.map((e) => e.id)).toEqual(['h1'])
    expect(store.deliveries.h1?.[0]?.status).toBe('delivered')
    expect(calls[1]!.query.get('limit')).toBe('20')
  })

  it('reads an endpoint again with its deliveries, so a failing one says so', async () => {
    fakeApi({
      'GET /admin/webhooks': { body: { items: [aWebhook()] } },
      'GET /admin/webhooks/h1': { body: aWebhook({ failing: true }) },
      'GET /admin/webhooks/h1/deliveries': [
        { body: { items: [] } },
        { body: { items: [aDelivery({ status: 'failed' })] } },
      ],
    })
    const store = useWebhooksStore()
    await store.load()
    await store.refresh('h1')
    expect(store.endpoints[0]?.failing).toBe(true)
    expect(store.deliveries.h1?.[0]?.status).toBe('failed')
  })

  it('shows a new secret once and never keeps it in the list', async () => {
    const { calls } = fakeApi({
      'POST /admin/webhooks': { status: 201, body: { ...aWebhook(), secret: SECRET } },
      'POST /admin/webhooks/h1/rotate-secret': { body: { ...aWebhook(), secret: 'whsec_bmV3' } },
    })
    const store = useWebhooksStore()
    const input = { url: 'https://crm.example/hook', event_types: [], description: '' }
    await store.register(input)
    expect(calls[0]!.body).toEqual(input)
    expect(store.revealed).toEqual({ endpointId: 'h1', url: aWebhook().url, secret: SECRET })
    expect(JSON.stringify(store.endpoints)).not.toContain('whsec_')
    store.forgetSecret()
    expect(store.revealed).toBeNull()
    await store.rotate('h1')
    expect(store.revealed?.secret).toBe('whsec_bmV3')
    expect(store.endpoints).toHaveLength(1)
  })

  it('keeps nothing when the API refuses the URL', async () => {
    fakeApi({
      'POST /admin/webhooks': problem(400, {
        detail: 'The URL points to a private, loopback or link-local address.',
        errors: { url: ['The URL points to a private, loopback or link-local address.'] },
      }),
    })
    const store = useWebhooksStore()
    const input = { url: 'http://10.0.0.1/', event_types: [], description: '' }
    await expect(store.register(input)).rejects.toMatchObject({ fields: { url: /private/ } })
    expect(store.endpoints).toEqual([])
    expect(store.revealed).toBeNull()
  })

  it('switches off, sends a failed delivery again and deletes', async () => {
    const failed = aDelivery({ status: 'failed', delivered_at: null })
    const { calls } = fakeApi({
      'GET /admin/webhooks': { body: { items: [aWebhook()] } },
      'GET /admin/webhooks/h1/deliveries': { body: { items: [failed] } },
      'PATCH /admin/webhooks/h1': { body: aWebhook({ active: false }) },
      'POST /admin/webhooks/h1/deliveries/h1:e1/redeliver': {
        body: { ...failed, status: 'pending' },
      },
      'DELETE /admin/webhooks/h1': { status: 204 },
    })
    const store = useWebhooksStore()
    await store.load()
    await store.update('h1', { active: false })
    expect(store.endpoints[0]?.active).toBe(false)
    await store.redeliver('h1', 'h1:e1')
    expect(store.deliveries.h1?.[0]?.status).toBe('pending')
    await store.remove('h1')
    expect(store.endpoints).toEqual([])
    expect(calls.map((c) => `${c.method} ${c.path}`)).toContain('DELETE /admin/webhooks/h1')
  })
})
