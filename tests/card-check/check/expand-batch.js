#!/usr/bin/env node
// Expands many Adaptive Card templates in one process with Microsoft's adaptivecards-templating, for the
// parity test between our C# binder and the reference implementation.
// usage: node expand-batch.js jobs.json   where jobs.json is [{"template": file, "data": file, "out": file}, ...]
'use strict';
const fs = require('fs');
const ACData = require('adaptivecards-templating');
ACData.GlobalSettings.getUndefinedFieldValueSubstitutionString = (p) => `<<undefined ${p}>>`;
const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
for (const job of jobs) {
  const template = new ACData.Template(JSON.parse(fs.readFileSync(job.template, 'utf8')));
  const card = template.expand({ $root: JSON.parse(fs.readFileSync(job.data, 'utf8')), $host: {} });
  fs.writeFileSync(job.out, JSON.stringify(card, null, 2) + '\n');
}
console.log(`expanded ${jobs.length} template(s)`);
