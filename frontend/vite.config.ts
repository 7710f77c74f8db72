import { fileURLToPath, URL } from 'node:url'

import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The dev server forwards API and media calls to the Flask app (./scripts/dev runs it on 8000),
// so the browser sees one origin exactly as in the embedded run and behind nginx.
const api = process.env.PORTRAIT_API ?? 'http://127.0.0.1:8000'

// https://vite.dev/config/
export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
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
