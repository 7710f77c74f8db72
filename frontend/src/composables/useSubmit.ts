import { nextTick, ref } from 'vue'

import { ApiError } from '@/api/client'

/**
 * The sending state of one form: disables it while a request runs and turns an ApiError into
 * a form-level message plus one message per field (shown inline by FormField).
 */
export function useSubmit() {
  const sending = ref(false)
  const error = ref('')
  const fields = ref<Record<string, string>>({})

  async function submit(action: () => Promise<unknown>): Promise<boolean> {
    if (sending.value) return false
    sending.value = true
    error.value = ''
    fields.value = {}
    try {
      await action()
      return true
    } catch (caught) {
      if (caught instanceof ApiError) {
        fields.value = caught.fields
        // With field messages shown inline, the summary only points at them.
        const perField = Object.keys(caught.fields).some((k) => k !== '_')
        error.value = perField
          ? 'Please fix the highlighted fields.'
          : (caught.fields._ ?? caught.message)
        // Keyboard and screen-reader users land on the first field to fix.
        if (perField)
          nextTick(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus())
      } else {
        error.value = 'Something went wrong. Please try again.'
      }
      return false
    } finally {
      sending.value = false
    }
  }

  return { sending, error, fields, submit }
}
