/**
 * The library's own reports keep their decisive events. Each finding is
 * made as the gallery makes it: the buggy variant's campaign from seed 1,
 * stopped at its first failure and shrunk, then the report's runs of its
 * minimal plan (`runsForReport`) and the report built from them.
 */
import { describe, expect, it } from 'vitest';
import type { AnyScenario } from 'chaos-testbed';
import { buildReport, type ReportInput } from '../../reports/build-report.ts';
import { findingFiles } from '../../reports/finding-files.ts';
import { LANES_MAX } from '../../reports/lanes.ts';
import type { MessageItem, ReportData, StoryItem } from '../../reports/report-data.ts';
import breakerHerd from '../../scenarios/dmsg/breaker-herd.scenario.ts';
import registrationTimeout from '../../scenarios/dmsg/registration-timeout.scenario.ts';
import deletedOwner from '../../scenarios/ownership/deleted-owner.scenario.ts';
import { firstFindingReportInput } from '../fixtures/report-input.ts';
import { traceEventProblems, traceEvents } from '../fixtures/trace-events.ts';

const reportInput = (scenario: AnyScenario): ReportInput => firstFindingReportInput(scenario);

const messages = (data: ReportData): MessageItem[] => data.story.items.filter((i): i is MessageItem => i.kind === 'message');
const texts = (data: ReportData): string[] => data.story.items.map((i: StoryItem) => (i.kind === 'message' ? `${i.from} → ${i.to}: ${i.label}` : i.kind === 'cut' ? 'cut' : i.text));

function checkCommon(input: ReportInput, data: ReportData): void {
  expect(data.slice.lanes.length).toBeLessThanOrEqual(LANES_MAX);
  const files = findingFiles(input);
  expect(traceEventProblems(files['trace.json']!)).toEqual([]);
  expect(Buffer.byteLength(files['report.html']!)).toBeLessThan(1_000_000);
  expect(files['report.html']).not.toContain('mermaid.min.js"></script>\n<script>mermaid'); // sanity: the page loads the shared copy
  expect(files['report.html']).toContain('<script src="../../assets/mermaid.min.js"></script>');
}

describe('the reports of the library keep their decisive events', () => {
  it('dmsg/registration-timeout: the registration POST that was cut off, and its answer', () => {
    const input = reportInput(registrationTimeout);
    const data = buildReport(input);
    const stuck = /(srv-\d+) accepting, unregistered/.exec(data.violation.detail)?.[1];
    expect(stuck, data.violation.detail).toBeDefined();
    const faultAtMs = input.plan.faults[0]!.atMs;
    // The slice starts from what the check read: discovery and the server it names, not the 29 others it read to find it.
    expect(data.slice.focusFrom).toBe('check reads');
    expect([...data.slice.focus].sort()).toEqual(['disc', stuck!].sort());
    const post = messages(data).find((m) => m.from === stuck && m.to === 'disc' && m.label.startsWith('register') && m.sentAtMs > faultAtMs);
    expect(post, texts(data).join('\n')).toBeDefined();
    // Discovery's read timeout is its front end's (node capacity): it says so in a note when it cuts the read off.
    const cutNote = data.story.items.find((i) => i.kind === 'event' && i.what === 'note' && new RegExp(`^disc \\(${stuck}\\): front end answered register with 400: not served within 3000ms`).test(i.text));
    expect(cutNote, texts(data).join('\n')).toBeDefined();
    const cutOff = messages(data).find((m) => m.from === 'disc' && m.to === stuck && m.label.startsWith('register.response 400'));
    expect(cutOff, texts(data).join('\n')).toBeDefined();
    expect(cutOff!.atMs).toBeGreaterThan(post!.atMs);
    // Similar servers share lanes; the stuck one keeps its own.
    expect(data.slice.lanes.find((l) => l.nodes.includes(stuck!))!.nodes).toEqual([stuck]);
    expect(data.slice.lanes.some((l) => l.nodes.length > 1 && /^srv-\d+ … srv-\d+ \(\d+\)$/.test(l.label))).toBe(true);
    // The cause names the cut-off read, and the fix's other answer.
    expect(data.cause.node).toBe('disc');
    expect(data.cause.sentence).toMatch(/front end answered register with 400: not served within 3000ms/);
    expect(data.cause.fixed.some((l) => l.text.startsWith('disc sent register.response 200'))).toBe(true);
    const markdown = findingFiles(input)['report.md']!;
    expect(markdown).toContain(`disc → ${stuck}: register.response 400 {"body":"unexpected EOF"}`);
    checkCommon(input, data);
  }, 60_000);

  it('ownership/deleted-owner: the deletion the finding is named after', () => {
    const input = reportInput(deletedOwner);
    const data = buildReport(input);
    const deletion = messages(data).find((m) => m.from === 'api' && m.to === 'controller' && m.label.startsWith('connector-event {"kind":"deleted"'));
    expect(deletion, texts(data).join('\n')).toBeDefined();
    expect(deletion!.label).toContain('"name":"datum-connect-jttwh"');
    // The deletion comes at the replacement, five minutes in, a minute before the live Connector starts.
    expect(deletion!.sentAtMs).toBe(300_000);
    expect(findingFiles(input)['report.md']).toMatch(/api → controller: connector-event \{"kind":"deleted"/);
    // The cause is the first flip, not the key format the fix changes in every message from the start.
    expect(data.cause.sentence).toMatch(/^At t=360\.\d{3} s controller sent publish .* it did the same but with owner "e43a8dd4-[^"]*" where the fix has null\./);
    expect(data.cause.sentence).toContain('differ only in the format of what messages carry');
    checkCommon(input, data);
  }, 60_000);

  it('dmsg/breaker-herd: the second probe the half-open breaker admitted', () => {
    const input = reportInput(breakerHerd);
    const data = buildReport(input);
    const probes = messages(data).filter((m) => m.from === 'setup-node' && m.to === 'destination' && m.label === 'setup');
    const second = probes[probes.length - 1]!;
    expect(second.fate).toBe('in flight');
    expect(second.step).toBe(true);
    expect(second.atMs).toBe(data.violation.atMs);
    expect(data.cause.sentence).toMatch(/^At t=\d+\.\d{3} s setup-node sent setup to destination; with the fix \(fixed\), it sent route\.response 503 \{"body":"destination circuit breaker open"\} to caller-\d instead\.$/);
    // The breaker's state is context: the scenario's timeline facts draw it.
    const breaker = data.timeline.rows.find((r) => r.label === 'setup-node: breaker')!;
    expect(breaker.kind).toBe('fact');
    expect(breaker.segments.map((s) => s.state)).toEqual(expect.arrayContaining(['closed', 'open', 'half-open']));
    const markdown = findingFiles(input)['report.md']!;
    expect(markdown).toContain('setup-node → destination: setup, sent; still in flight at the violation ← _the violating step_');
    // The sequence diagram boxes the violating step and draws the probe as a message still in flight.
    const diagram = /```mermaid\n([\s\S]*?)\n```/.exec(markdown)![1]!;
    expect(diagram).toMatch(/rect rgba\(207, 34, 46, 0\.12\)\n(.*\n)*  L\d+-\)L\d+: t=\d+\.\d{3} s setup \(in flight at the violation\)/);
    const events = traceEvents(findingFiles(input)['trace.json']!);
    expect(events.some((e) => e.ph === 'X' && e.name === 'in flight setup')).toBe(true);
    checkCommon(input, data);
  }, 60_000);
});
