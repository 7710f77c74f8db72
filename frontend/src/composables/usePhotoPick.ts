import { ref, type Ref } from 'vue'

/**
 * A photo picked in a file input or dropped on a zone, handed to `take`. While `busy` the
 * inputs stay focusable (aria-disabled, not disabled: a disabled input drops the keyboard
 * user's focus to <body>), so activation is refused here instead.
 */
export function usePhotoPick(busy: Ref<boolean>, take: (file: File | undefined) => unknown) {
  const dragging = ref(false)

  function onActivate(event: Event) {
    if (busy.value) event.preventDefault()
  }

  function onPick(event: Event) {
    const input = event.target as HTMLInputElement
    take(input.files?.[0])
    input.value = '' // picking the same file again is a new choice
  }

  const over = (event: DragEvent) => {
    event.preventDefault() // without it the browser opens the dropped file itself
    dragging.value = true
  }
  /** Bind with v-on on the drop zone. */
  const dropZone = {
    dragenter: over,
    dragover: over,
    dragleave: (event: DragEvent) => {
      event.preventDefault()
      dragging.value = false
    },
    drop: (event: DragEvent) => {
      event.preventDefault()
      dragging.value = false
      take(event.dataTransfer?.files[0])
    },
  }

  return { dragging, dropZone, onActivate, onPick }
}
