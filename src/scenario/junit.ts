// JUnit XML for CI systems: one testcase per scenario; failed expectations as <failure>, invalid or crashed
// scenarios as <error>.
import type { ScenarioResult } from './runner.js';
import { count } from '../text/count.js';
import { describeGlitch } from '../report/glitches.js';

export function escapeXml(text: string): string {
  return text
    // characters XML 1.0 cannot carry at all
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function failureLines(result: ScenarioResult): string[] {
  return result.expectations
    .filter((expectation) => !expectation.held)
    .map((expectation) => `${expectation.name}${expectation.line > 0 ? ` (line ${expectation.line})` : ''}: expected ${expectation.expected}, actual ${expectation.actual}`);
}

/** The run's glitch list as testcase properties (a count per kind) and system-out (one line each). */
function glitchesOf(result: ScenarioResult): string[] {
  const brief = result.brief;
  if (!brief) return [];
  const properties = [`        <property name="glitches" value="${brief.glitchTotal}"/>`];
  for (const [kind, count] of Object.entries(brief.glitchCounts)) properties.push(`        <property name="glitches.${escapeXml(kind)}" value="${count}"/>`);
  const lines = ['      <properties>', ...properties, '      </properties>'];
  if (brief.glitchTotal > 0) {
    // the rate is not in the brief: lengths in frames say enough here
    const text = brief.glitches.map((glitch) => describeGlitch(glitch, 0)).join('\n');
    const more = brief.glitchTotal > brief.glitches.length ? `\n… ${brief.glitchTotal - brief.glitches.length} more in summary.json` : '';
    lines.push(`      <system-out>${escapeXml(`glitches: ${brief.glitchTotal}\n${text}${more}`)}</system-out>`);
  }
  return lines;
}

export function junitXml(results: readonly ScenarioResult[], suiteName = 'wavert run'): string {
  const failures = results.filter((result) => result.status === 'failed').length;
  const errors = results.filter((result) => result.status === 'invalid' || result.status === 'error').length;
  const seconds = (ms: number): string => (ms / 1000).toFixed(3);
  const totalMs = results.reduce((sum, result) => sum + result.wallMs, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(suiteName)}" tests="${results.length}" failures="${failures}" errors="${errors}" time="${seconds(totalMs)}">`,
    `  <testsuite name="${escapeXml(suiteName)}" tests="${results.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(totalMs)}">`,
  ];
  for (const result of results) {
    const open = `    <testcase name="${escapeXml(result.name)}" classname="wavert.scenario" file="${escapeXml(result.file)}" time="${seconds(result.wallMs)}"`;
    const glitchLines = glitchesOf(result);
    if (result.status === 'passed' && glitchLines.length === 0) {
      lines.push(`${open}/>`);
      continue;
    }
    lines.push(`${open}>`);
    lines.push(...glitchLines);
    if (result.status === 'failed') {
      const failed = failureLines(result);
      lines.push(`      <failure type="expectation" message="${escapeXml(`${count(failed.length, 'expectation')} failed`)}">${escapeXml(failed.join('\n'))}</failure>`);
    } else {
      const message = result.message ?? result.status;
      lines.push(`      <error type="${result.status}" message="${escapeXml(message.split('\n')[0]!)}">${escapeXml(message)}</error>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
