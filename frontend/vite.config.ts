import { readFileSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'

import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

// The dev server forwards API and media calls to the Flask app (./scripts/dev runs it on 8000),
// so the browser sees one origin exactly as in the embedded run and behind nginx.
const api = process.env.PORTRAIT_API ?? 'http://127.0.0.1:8000'

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url))
const OPENAPI = source('./src/api/openapi.json')
const PATHS = source('./src/router/paths.json')

interface Property {
  minLength?: number
  maxLength?: number
  pattern?: string
}

/**
 * `virtual:field-limits`: the length and pattern limits of every schema property in the
 * API's OpenAPI document, as input attributes (minlength, maxlength, pattern). Only these few
 * numbers reach the bundle, never the whole document.
 */
function fieldLimits(): Plugin {
  const id = 'virtual:field-limits'
  return {
    name: 'portrait-field-limits',
    resolveId: (name) => (name === id ? '\0' + id : undefined),
    load(name) {
      if (name !== '\0' + id) return
      this.addWatchFile(OPENAPI)
      const schemas = JSON.parse(readFileSync(OPENAPI, 'utf8')).components.schemas
      const limits: Record<string, Record<string, Record<string, string | number>>> = {}
      for (const [schema, body] of Object.entries<{ properties?: Record<string, Property> }>(
        schemas,
      )) {
        for (const [field, p] of Object.entries(body.properties ?? {})) {
          // A pattern such as ^[a-z]{3,30}$ also bounds the length.
          const counted = p.pattern?.match(/\{(\d+),(\d+)\}\$$/)
          const attrs = Object.fromEntries(
            Object.entries({
              minlength: p.minLength ?? (counted ? Number(counted[1]) : undefined),
              maxlength: p.maxLength ?? (counted ? Number(counted[2]) : undefined),
              pattern: p.pattern,
            }).filter(([, value]) => value !== undefined),
          ) as Record<string, string | number>
          if (Object.keys(attrs).length) (limits[schema] ??= {})[field] = attrs
        }
      }
      return `export default ${JSON.stringify(limits)}`
    },
  }
}

/**
 * `virtual:event-types`: the webhook event catalogue, the enum of WebhookCreate.event_types in
 * the API's OpenAPI document (the admin page's checkboxes), so the list is never copied here.
 */
function eventTypes(): Plugin {
  const id = 'virtual:event-types'
  return {
    name: 'portrait-event-types',
    resolveId: (name) => (name === id ? '\0' + id : undefined),
    load(name) {
      if (name !== '\0' + id) return
      this.addWatchFile(OPENAPI)
      const schema = JSON.parse(readFileSync(OPENAPI, 'utf8')).components.schemas.WebhookCreate
      return `export default ${JSON.stringify(schema.properties.event_types.items.enum)}`
    },
  }
}

/** Puts the app's route list into the build as spa-routes.json: the API's embedded web
 * server (backend/portrait/web.py) answers other paths with a real 404. */
function spaRoutes(): Plugin {
  return {
    name: 'portrait-spa-routes',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'spa-routes.json', source: readFileSync(PATHS) })
    },
  }
}

// https://vite.dev/config/
export default defineConfig({
  plugins: [vue(), fieldLimits(), eventTypes(), spaRoutes()],
  resolve: {
    alias: {
      '@': source('./src'),
    },
  },
  build: {
    // Rolldown's plugin-timing hint is noise on a slow shared CI machine.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: {
    proxy: {
      '/api': api,
      '/media': api,
    },
  },
})
