import { describe, expect, it } from 'vitest'

import { ApiError } from '@/api/client'
import { describeWait, parseRetryAfter, tooManyAttempts } from '@/api/wait'

describe('Retry-After in words', () => {
  it.each([
    [1, '1 second'],
    [0.2, '1 second'],
    [45, '45 seconds'],
    [60, '1 minute'],
    [61, '2 minutes'], // rounded up: never back too early
    [120, '2 minutes'],
    [3599, '60 minutes'],
    [3600, '1 hour'],
    [5400, '2 hours'],
  ])('%s s is "%s"', (seconds, words) => {
    expect(describeWait(seconds)).toBe(words)
  })

  it('reads delay-seconds and HTTP dates, and ignores anything else', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('120', now)).toBe(120)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:02:00 GMT', now)).toBe(120)
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-5', now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })

  it('turns a 429 into a friendly message with the wait, not the server text', () => {
    const problem = { status: 429, detail: 'Too many requests (limit: 10 per 15 minute).' }
    const error = new ApiError(429, problem, '97')
    expect(error.message).toBe('Too many attempts. Try again in 2 minutes.')
    expect(error.retryAfter).toBe(97)
    expect(new ApiError(429, problem).message).toBe(tooManyAttempts(undefined))
    expect(new ApiError(401, { detail: 'Wrong email or password.' }).message).toBe(
      'Wrong email or password.',
    )
  })
})
