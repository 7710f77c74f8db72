import { nextTick, onUnmounted, type Ref } from 'vue'
import { START_LOCATION, useRouter } from 'vue-router'

/**
 * After every route change inside the app, moves focus to the new page's h1 (or to `main`
 * while the page has none yet), so keyboard and screen-reader users start at the new content
 * instead of on <body>. A fresh load keeps the browser's own starting point.
 */
export function useRouteFocus(main: Ref<HTMLElement | null>) {
  const router = useRouter()
  const stop = router.afterEach(async (_to, from, failure) => {
    if (failure || from === START_LOCATION) return
    await nextTick()
    const target = main.value?.querySelector<HTMLElement>('h1') ?? main.value
    if (!target) return
    if (!target.hasAttribute('tabindex')) target.tabIndex = -1
    target.focus()
  })
  onUnmounted(stop)
}
