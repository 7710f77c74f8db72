import { ref, shallowRef } from 'vue'
import { defineStore } from 'pinia'

import * as api from '@/api/admin'
import type { AdminUser, AuditEntry } from '@/api/types'

interface Page<T> {
  items: T[]
  next_cursor: string | null
}

/** A list read a cursor page at a time: the first page replaces it, "Load more" appends. */
function usePaged<T>(read: (cursor: string | null) => Promise<Page<T>>) {
  const items = shallowRef<T[]>([]) // replaced whole, never changed in place
  const next = ref<string | null>(null)
  const loading = ref(false)

  async function fetchPage(cursor: string | null) {
    loading.value = true
    try {
      const page = await read(cursor)
      items.value = cursor ? [...items.value, ...page.items] : page.items
      next.value = page.next_cursor
    } finally {
      loading.value = false
    }
  }

  return {
    items,
    next,
    loading,
    first: () => fetchPage(null),
    more: () => (next.value ? fetchPage(next.value) : Promise.resolve()),
  }
}

/** The Admin area: accounts (searched by handle or email prefix) and the audit log. */
export const useAdminStore = defineStore('admin', () => {
  const query = ref('')
  const users = usePaged<AdminUser>((cursor) => api.listUsers(query.value.trim(), cursor))
  const audit = usePaged<AuditEntry>((cursor) => api.readAudit(cursor))

  async function search(q: string) {
    query.value = q
    await users.first()
  }

  /** Puts the API's answer about one account in place of the listed one. */
  function replace(changed: AdminUser) {
    users.items.value = users.items.value.map((user) => (user.id === changed.id ? changed : user))
    return changed
  }

  const suspend = async (id: string, reason: string) => replace(await api.suspendUser(id, reason))
  const unsuspend = async (id: string) => replace(await api.unsuspendUser(id))
  const removeAvatar = async (id: string, reason: string) =>
    replace(await api.removeUserAvatar(id, reason))

  return { query, users, audit, search, suspend, unsuspend, removeAvatar }
})
