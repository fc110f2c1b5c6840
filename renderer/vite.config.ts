/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
/** Where `npm run web` listens during development (SWAA_WEB_PORT=5199 npm run web); the dev server proxies /api to it. */
const webOrigin = process.env.SWAA_WEB_ORIGIN ?? 'http://127.0.0.1:5199';

// The renderer is served from file:// inside Electron and from the web bridge's server in web mode,
// so every asset URL is relative.
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    strictPort: false,
    fs: { allow: ['..'] },
    // The web server refuses other hosts and origins; for it, the dev server is the page's origin.
    proxy: {
      '/api': {
        target: webOrigin,
        changeOrigin: true,
        configure: (proxy) => proxy.on('proxyReq', (req) => { if (req.getHeader('origin')) req.setHeader('origin', webOrigin); }),
      },
    },
  },
  test: {
    root,
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
