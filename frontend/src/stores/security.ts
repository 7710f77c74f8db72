import { ref } from 'vue'
import { defineStore } from 'pinia'

import * as api from '@/api/endpoints'
import type { DeviceSession, SecurityEvent } from '@/api/types'

/** Where your account is signed in, and what happened to it (the Account page). */
export const useSecurityStore = defineStore('security', () => {
  const sessions = ref<DeviceSession[]>([])
  const events = ref<SecurityEvent[]>([])

  async function load() {
    const [listed, happened] = await Promise.all([api.listSessions(), api.listSecurityEvents()])
    sessions.value = listed
    events.value = happened
  }

  async function endSession(id: string) {
    await api.endSession(id)
    sessions.value = sessions.value.filter((session) => session.id !== id)
    events.value = await api.listSecurityEvents()
  }

  return { sessions, events, load, endSession }
})
