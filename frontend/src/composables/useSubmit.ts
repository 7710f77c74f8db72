import { ref } from 'vue'

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
        error.value = Object.keys(caught.fields).some((k) => k !== '_')
          ? 'Please fix the highlighted fields.'
          : (caught.fields._ ?? caught.message)
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
