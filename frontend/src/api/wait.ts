// Retry-After (RFC 9110 §10.2.3) as people read it.

/** Seconds to wait from a Retry-After value: delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()) {
  if (!value?.trim()) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value)
  const date = /^[a-z]{3}, /i.test(value) ? Date.parse(value) : NaN // IMF-fixdate
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000))
}

/** "45 seconds", "2 minutes", "1 hour": rounded up, so people never come back too early. */
export function describeWait(seconds: number): string {
  const [count, unit] =
    seconds < 60
      ? [Math.max(1, Math.ceil(seconds)), 'second']
      : seconds < 3600
        ? [Math.ceil(seconds / 60), 'minute']
        : [Math.ceil(seconds / 3600), 'hour']
  return `${count} ${unit}${count === 1 ? '' : 's'}`
}

/** What a 429 tells the person, instead of the server's wording of its limit. */
export function tooManyAttempts(seconds: number | undefined): string {
  return seconds === undefined
    ? 'Too many attempts. Please wait a little and try again.'
    : `Too many attempts. Try again in ${describeWait(seconds)}.`
}
