import { nextTick, ref } from 'vue'

import { ApiError } from '@/api/client'

/**
 * The sending state of one form: ignores submits while a request runs and turns an ApiError
 * into a form-level message plus one message per field (shown inline by FormField). Bind
 * `errorBox` to the form's message element (tabindex="-1"): a failure with no field to fix
 * moves focus there, so keyboard and screen-reader users learn what happened.
 */
export function useSubmit() {
  const sending = ref(false)
  const error = ref('')
  const fields = ref<Record<string, string>>({})
  const errorBox = ref<HTMLElement | null>(null)

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
        if (perField) {
          nextTick(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus())
          return false
        }
      } else {
        error.value = 'Something went wrong. Please try again.'
      }
      nextTick(() => errorBox.value?.focus())
      return false
    } finally {
      sending.value = false
    }
  }

  return { sending, error, fields, errorBox, submit }
}
