import { defineConfig } from 'vite'

// The backend (Starlette, http://127.0.0.1:8000) serves dist/ at `/` with a
// history fallback to index.html, so the app is built for base `/` and all
// asset URLs are same-origin absolute paths (/assets/...). Relative paths would
// break on deep links such as /children/123.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  css: {
    lightningcss: {
      // govuk-frontend.min.css still carries IE hacks (`@media screen\0`) that
      // lightningcss rejects; recover and keep going (they are printed as warnings).
      errorRecovery: true,
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      '/graphql': {
        target: 'http://127.0.0.1:8000',
        ws: true,
        changeOrigin: true,
        // Strawberry rejects WebSocket handshakes whose Origin is another port.
        rewriteWsOrigin: true,
      },
    },
  },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    strictPort: true,
  },
})
