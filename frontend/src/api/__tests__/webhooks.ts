// Webhook documents as the admin API sends them, for unit tests.
import type { Delivery, Webhook } from '@/api/types'

export const aWebhook = (changes: Partial<Webhook> = {}): Webhook => ({
  id: 'h1',
  url: 'https://crm.example/hook',
  event_types: ['portrait.user.created'],
  description: 'CRM',
  active: true,
  failing: false,
  disabled_reason: null,
  created_at: '2026-12-01T10:00:00Z',
  ...changes,
})

export const aDelivery = (changes: Partial<Delivery> = {}): Delivery => ({
  id: 'h1:e1',
  event_id: 'e1',
  type: 'portrait.user.created',
  subject: 'u1',
  status: 'delivered',
  attempts: 1,
  next_at: '2026-12-01T10:00:00Z',
  created_at: '2026-12-01T10:00:00Z',
  delivered_at: '2026-12-01T10:00:01Z',
  log: [{ at: '2026-12-01T10:00:01Z', status: 204, error: null, excerpt: '', ms: 12 }],
  ...changes,
})
