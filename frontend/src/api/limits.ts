import limits from 'virtual:field-limits'

/** The input attributes (minlength, maxlength, pattern) the API's OpenAPI document gives a
 * schema's property, so a form never allows what the API refuses, or the reverse. */
export function limitsOf(schema: string, field: string) {
  return limits[schema]?.[field] ?? {}
}
