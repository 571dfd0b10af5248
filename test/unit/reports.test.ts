import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport, compactLabel, type ReportInput } from '../../reports/build-report.ts';
import { html, renderHtml } from '../../reports/html.ts';
import { renderJson } from '../../reports/json.ts';
import { md, renderMarkdown } from '../../reports/markdown.ts';
import { mermaidText, sequenceDiagram, stateGantt } from '../../reports/mermaid.ts';
import { NARRATIVE_LIMIT, SLICE_LIMIT, TIMELINE_INTERVALS_PER_ACTOR } from '../../reports/report-data.ts';
import canary from '../../scenarios/canary/lease.scenario.ts';
import { always, defineScenario, run, violated, type AnyScenario, type Fault, type FaultPlan, type RunResult } from 'chaos-testbed';
import type { TraceRecord } from '../../sim/kernel/trace.ts';
import { filesUnder, sim, tempDir } from '../fixtures/cli.ts';
import { probe } from '../fixtures/probe.ts';

const CANARY_PLAN: FaultPlan = { faults: [{ kind: 'pause', atMs: 2001, node: 'client-a', durationMs: 14_058 } as Fault] };
const CANARY_SEED = 3_987_756_694;

function inputFor(scenario: AnyScenario, variant: string, seed: number, plan: FaultPlan, result?: RunResult): ReportInput {
  return {
    scenario,
    variant,
    seed,
    plan,
    oneMinimal: true,
    fingerprint: { id: 'deadbeef', text: 'safety-violation:x|pause', count: 3 },
    run: result ?? run(scenario, variant, seed, plan, { traceMode: 'full' }),
    invariantWhy: 'why it matters',
    replayCommand: 'npm run sim -- --replay somewhere.repro.json',
    fixed: { variant: 'fixed', outcome: { kind: 'pass' } },
    campaign: { seed: 1, runs: 23, runsToFirstFailure: 23, simulatedMs: 1_000_000, faultsFired: { pause: 7 }, statesReached: 5, transitionsReached: 5, warnings: [] },
  };
}

describe('Markdown report', () => {
  const report = renderMarkdown(buildReport(inputFor(canary, 'buggy', CANARY_SEED, CANARY_PLAN)));

  it('opens with the title, the verdict and the replay command, then every section', () => {
    const lines = report.split('\n');
    expect(lines[0]).toBe('# canary/lease: single-holder broken (buggy)');
    expect(lines[2]).toMatch(/^\*\*Verdict:\*\* single-holder broke at t=\d+\.\d{3} s \(safety violation\): client-a and client-b both act as holder\. The fixed variant holds/);
    expect(report).toContain('```sh\nnpm run sim -- --replay somewhere.repro.json\n```');
    const sections = lines.filter((l) => l.startsWith('## '));
    expect(sections).toEqual([
      '## Minimal fault plan',
      '## What happened',
      '## Messages in the causal slice',
      '## Actor states',
      '## The invariant',
      '## The same plan on the fixed variant',
      '## Campaign',
      '## Trace',
    ]);
    expect(report).toContain('| 1 | t=2.001 s | pause | pause client-a for 14058ms |');
    expect(report).toMatch(/\| holders \| \\\["client-a","client-b"\\\] \|/);
  });

  it('has two well-formed Mermaid blocks: a sequence diagram and a Gantt chart', () => {
    const blocks = [...report.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(2);
    const [sequence, gantt] = blocks as [string, string];
    const seqLines = sequence.split('\n');
    expect(seqLines[0]).toBe('sequenceDiagram');
    for (const line of seqLines.slice(1)) {
      expect(line).toMatch(/^  (participant P\d+ as [^\n]+|P\d+(->>|--x)P\d+: [^\n]+|Note over P\d+(,P\d+)?: [^\n]+)$/);
    }
    expect(seqLines.some((l) => /^  P\d+->>P\d+: /.test(l))).toBe(true);
    const ganttLines = gantt.split('\n');
    expect(ganttLines.slice(0, 3)).toEqual(['gantt', '  dateFormat x', '  axisFormat %M:%S']);
    // Names hold no raw ':' ';' or '#': only Mermaid entities such as #58;.
    const name = '(?:[^:;#\\n]|#\\d+;)+';
    for (const line of ganttLines.slice(4)) expect(line).toMatch(new RegExp(`^  (section ${name}|${name} :\\d+, \\d+)$`));
  });

  it('gives a replay command that works when run', () => {
    const out = tempDir('sim-report-');
    expect(sim('--scenario', 'canary/lease', '--runs', '30', '--stop-on-failure', '--out', out).code).toBe(1);
    const reportDir = filesUnder(out).find((f) => f.endsWith('report.md'))!;
    const markdown = readFileSync(join(out, reportDir), 'utf8');
    const command = /```sh\nnpm run sim -- (.+)\n```/.exec(markdown)![1]!.split(' ');
    const replayed = sim(...command);
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toContain('replayed exactly');
    expect(filesUnder(out)).toEqual(expect.arrayContaining(['index.html', 'index.md']));
    expect(readFileSync(join(out, 'index.md'), 'utf8')).toMatch(/\| `[0-9a-f]{8}` \| canary\/lease \| buggy \| \d+ \| safety-violation:single-holder\\\|\w+ \| \[md\]\(findings\/canary__lease-buggy-[0-9a-f]{8}\/report\.md\)/);
  });
});

describe('escaping', () => {
  const hostileNode = '<script>alert("pwned")</script>';
  const ampNode = 'a&b "quoted" \'single\'';
  const hostile = defineScenario({
    id: 'test/hostile',
    title: 'A <b>bold</b> & "quoted" title',
    description: 'Names built to break out of HTML, Markdown and Mermaid: </pre> `code` | pipes # hashes ; %% comments',
    variants: { buggy: {}, fixed: {} },
    durationMs: 5000,
    build(sim) {
      const a = sim.node(ampNode, probe, (io) => ({ io }));
      const b = sim.node(hostileNode, probe, (io) => ({ io }));
      sim.at(1000, () => a.send({ type: 'do', run: (io) => io.send(hostileNode, { type: '</script><img src=x onerror=alert(1)>' }) }));
      return { b };
    },
    invariants: ({ b }) => [
      always('no-<img>-received', 'Because "<b>markup</b>" & friends', () =>
        (b.snapshot()?.context.received.length ?? 0) === 0 || violated('got <img src=x onerror=alert(2)> from a&b', { '<key>': '</script><script>alert(3)</script>' }),
      ),
    ],
  });
  const data = buildReport(inputFor(hostile, 'buggy', 1, { faults: [] }));
  const page = renderHtml(data);
  const markdown = renderMarkdown(data);

  it('escapes every model and scenario string in the HTML', () => {
    const body = page.slice(0, page.indexOf('<script>'));
    expect(body).not.toMatch(/<script|<img|<b>|onerror=alert\(1\)>/);
    expect(body).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(body).toContain('a&amp;b &quot;quoted&quot; &#39;single&#39;');
    // Exactly two script elements: the inlined Mermaid and its initialisation.
    expect(page.match(/<script>/g)).toHaveLength(2);
    expect(page.match(/<\/script>/g)).toHaveLength(2);
  });

  it('escapes them in the Markdown, and keeps Mermaid labels free of syntax', () => {
    expect(markdown).not.toMatch(/<script|<img|<b>/);
    expect(markdown).toContain('&lt;script&gt;');
    const sequence = sequenceDiagram(data);
    // Labels (after the arrow's colon, or after `as`) hold entities, never raw syntax.
    const withoutEntities = (line: string) => line.replace(/#\d+;/g, '');
    const label = (line: string) => (line.includes(' as ') ? line.slice(line.indexOf(' as ') + 4) : line.slice(line.indexOf(': ') + 2));
    for (const line of sequence.split('\n').slice(1)) expect(withoutEntities(label(line))).not.toMatch(/[<>;%#]/);
    // Gantt: section names, and task names before their ' :from, to'.
    for (const line of stateGantt(data).split('\n').slice(4)) {
      const name = line.startsWith('  section ') ? line.slice(10) : line.slice(0, line.lastIndexOf(' :'));
      expect(withoutEntities(name)).not.toMatch(/[<>;%#:]/);
    }
  });

  it('has helpers that leave nothing active', () => {
    expect(html(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    expect(md('a|b `c` <d> *e* [f](g)')).toBe('a\\|b \\`c\\` &lt;d&gt; \\*e\\* \\[f\\](g)');
    expect(mermaidText('a;b#c<d>:e')).toBe('a#59;b#35;c#60;d#62;#58;e');
  });
});

describe('determinism and bounds', () => {
  it('renders the same finding to the same bytes, in every format', () => {
    const one = buildReport(inputFor(canary, 'buggy', CANARY_SEED, CANARY_PLAN));
    const two = buildReport(inputFor(canary, 'buggy', CANARY_SEED, CANARY_PLAN));
    expect(renderMarkdown(two)).toBe(renderMarkdown(one));
    expect(renderHtml(two)).toBe(renderHtml(one));
    expect(renderJson(two)).toBe(renderJson(one));
    expect(renderJson(one)).not.toMatch(/20\d\d-\d\d-\d\dT/); // no wall-clock dates
  });

  it('keeps the slice, narrative and timeline bounded on a million-record trace', () => {
    const result = run(canary, 'buggy', CANARY_SEED, CANARY_PLAN, { traceMode: 'full' });
    const big: TraceRecord[] = [];
    const nodes = ['client-a', 'client-b', 'lease-server'];
    for (let i = 0; i < 1_000_000; i++) {
      const node = nodes[i % 3]!;
      const peer = nodes[(i + 1) % 3]!;
      big.push({ index: i, atMs: i, node, kind: i % 2 === 0 ? 'deliver' : 'state', peer: i % 2 === 0 ? peer : '', detail: i % 2 === 0 ? 'ping' : `s${i % 7} -> s${(i + 1) % 7}` });
    }
    const data = buildReport(inputFor(canary, 'buggy', CANARY_SEED, CANARY_PLAN, { ...result, trace: big, traceLength: big.length, simulatedMs: 1_000_000 }));
    expect(data.sequence.messages.length).toBeLessThanOrEqual(SLICE_LIMIT);
    expect(data.narrative.lines.length).toBeLessThanOrEqual(NARRATIVE_LIMIT);
    expect(data.narrative.cut).toBeGreaterThan(900_000);
    for (const actor of data.timeline.actors) expect(actor.intervals.length).toBeLessThanOrEqual(TIMELINE_INTERVALS_PER_ACTOR);
    expect(renderMarkdown(data).length).toBeLessThan(40_000);
  });

  it('shortens message labels for diagrams', () => {
    expect(compactLabel('acquire.response {"requestId":"c:1","status":409,"body":{"holder":"a"}}')).toBe('acquire.response 409 {"body":{"holder":"a"}}');
    expect(compactLabel('acquire {"requestId":"c:1"}')).toBe('acquire');
    expect(compactLabel('acquire: partitioned')).toBe('acquire: partitioned');
  });
});
