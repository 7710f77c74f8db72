import { computed, ref } from 'vue'
import { defineStore } from 'pinia'

import * as api from '@/api/moderation'
import type { ModerationItem } from '@/api/types'

/** The moderators' queue: open items oldest first, the one being looked at, decisions. */
export const useModerationStore = defineStore('moderation', () => {
  const items = ref<ModerationItem[]>([])
  const index = ref(0)
  const next = ref<string | null>(null)
  const current = computed(() => items.value[index.value] ?? null)

  async function load() {
    const page = await api.readQueue()
    items.value = page.items
    next.value = page.next_cursor
    index.value = 0
  }

  async function more() {
    if (!next.value) return
    const page = await api.readQueue(next.value)
    items.value = [...items.value, ...page.items]
    next.value = page.next_cursor
  }

  /** J/K: the next or previous item (the next page loads at the end of this one). */
  async function move(step: 1 | -1) {
    const target = index.value + step
    if (target >= items.value.length) await more()
    index.value = Math.min(Math.max(target, 0), Math.max(items.value.length - 1, 0))
  }

  /** Decides the current item; it leaves the list and the next one comes up. */
  async function decide(decision: 'approve' | 'reject', reason: string) {
    const item = current.value
    if (!item) return
    await api.decideItem(item.id, { decision, reason })
    items.value = items.value.filter((other) => other.id !== item.id)
    index.value = Math.min(index.value, Math.max(items.value.length - 1, 0))
    if (items.value.length === 0) await load()
  }

  return { items, index, current, load, more, move, decide }
})
