import { ref } from 'vue'

const SITE = 'Portrait'

/** The current page's title; App.vue announces it in a polite live region. */
export const pageTitle = ref(SITE)

/**
 * Names the page ("Log in · Portrait") for the tab, history and screen readers, and keeps
 * pages that do not exist out of search engines (`noindex`).
 */
export function setPage({ title, noindex = false }: { title?: string; noindex?: boolean }) {
  document.title = title ? `${title} · ${SITE}` : SITE
  pageTitle.value = document.title
  let robots = document.head.querySelector<HTMLMetaElement>('meta[name="robots"]')
  if (!noindex) return robots?.remove()
  if (!robots) {
    robots = document.createElement('meta')
    robots.name = 'robots'
    document.head.append(robots)
  }
  robots.content = 'noindex'
}
