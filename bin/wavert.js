#!/usr/bin/env node
'use strict';
const { loadMain, pickEntry } = require('./entry.js');

const entry = pickEntry(process.env.WAVERT_ENTRY);
loadMain(entry).then(
  ({ main }) => main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }),
  (error) => {
    process.stderr.write(`wavert: cannot load ${entry.path} (${error.code ?? error.message}); run 'npm run build' in the wavert folder\n`);
    process.exitCode = 1;
  },
);
