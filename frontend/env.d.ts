/// <reference types="vite/client" />

/** Input attributes from the API's OpenAPI document, by schema and property (vite.config.ts). */
declare module 'virtual:field-limits' {
  const limits: Record<
    string,
    Record<string, { minlength?: number; maxlength?: number; pattern?: string }>
  >
  export default limits
}

/** The webhook event types, from the API's OpenAPI document (vite.config.ts). */
declare module 'virtual:event-types' {
  const types: import('@/api/types').EventType[]
  export default types
}
