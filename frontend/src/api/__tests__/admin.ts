// Admin documents as the API sends them, for unit tests.
import type { AdminUser, AuditEntry } from '@/api/types'

export const anAdminUser = (changes: Partial<AdminUser> = {}): AdminUser => ({
  id: 'u1',
  handle: 'bob',
  display_name: 'Bob',
  email: 'bob@example.com',
  role: 'user',
  suspended: null,
  has_avatar: false,
  created_at: '2026-01-01T00:00:00Z',
  ...changes,
})

export const aSuspension = (reason = 'Spam bot.') => ({
  at: '2026-12-01T10:00:00Z',
  by: 'a1',
  by_handle: 'root_admin',
  reason,
})

export const anAuditEntry = (changes: Partial<AuditEntry> = {}): AuditEntry => ({
  id: 'e1',
  actor: 'a1',
  actor_handle: 'root_admin',
  action: 'suspend',
  target: 'user:u1',
  target_handle: 'bob',
  reason: 'Spam bot.',
  details: {},
  at: '2026-12-01T10:00:00Z',
  ...changes,
})
