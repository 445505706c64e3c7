import { defineConfig } from 'vite';

// The build goes to target/dist, which Maven packages into the jar under vigil-ui/.
export default defineConfig({
  base: './',
  build: {
    outDir: 'target/dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['src/**/*.test.js'],
  },
});
