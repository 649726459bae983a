#!/usr/bin/env node
// `npm run build`: compiles src/ to dist/ (what the container runs, without tsx) and copies the
// dashboard's static files, which web.plugin.ts serves from beside its own module.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

// A fresh dist/ each time, so a deleted source file leaves no stale module behind.
rmSync('dist', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
cpSync('src/web/public', 'dist/web/public', { recursive: true });
