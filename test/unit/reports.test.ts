import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport, compactLabel, type ReportInput } from '../../reports/build-report.ts';
import { TRACE_RECORDS_MAX } from '../../reports/chrome-trace.ts';
import { findingFiles, MERMAID_ASSET, outputAssets } from '../../reports/finding-files.ts';
import { html, renderHtml } from '../../reports/html.ts';
import { indexFiles, type IndexCampaign } from '../../reports/index-page.ts';
import { renderJson } from '../../reports/json.ts';
import { LANES_MAX } from '../../reports/lanes.ts';
import { code, md, renderMarkdown } from '../../reports/markdown.ts';
import { mermaidText, sequenceDiagram } from '../../reports/mermaid.ts';
import { jsonSafe, neutralise } from '../../reports/neutral-text.ts';
import { STORY_ITEMS_MAX } from '../../reports/story.ts';
import { TIMELINE_SEGMENTS_MAX } from '../../reports/timeline.ts';
import canary from '../../scenarios/canary/lease.scenario.ts';
import { always, defineScenario, run, violated, type AnyScenario, type Fault, type FaultPlan, type RunResult } from 'chaos-testbed';
import type { TraceRecord } from '../../sim/kernel/trace.ts';
import { filesUnder, sim, tempDir } from '../fixtures/cli.ts';
import { probe } from '../fixtures/probe.ts';
import { traceEventProblems } from '../fixtures/trace-events.ts';

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
    fixed: { variant: 'fixed', run: run(scenario, 'fixed', seed, plan, { traceMode: 'full' }) },
    campaign: { seed: 1, runs: 23, runsToFirstFailure: 23, simulatedMs: 1_000_000, faultsFired: { pause: 7 }, statesReached: 5, transitionsReached: 5, warnings: [] },
  };
}

describe('Markdown report', () => {
  const data = buildReport(inputFor(canary, 'buggy', CANARY_SEED, CANARY_PLAN));
  const report = renderMarkdown(data);

  it('opens with the title, the verdict, the cause and the replay command, then every section', () => {
    const lines = report.split('\n');
    expect(lines[0]).toBe('# canary/lease: single-holder broken (buggy)');
    expect(lines[2]).toMatch(/^\*\*Verdict:\*\* single-holder broke at t=\d+\.\d{3} s \(safety violation\): client-a and client-b both act as holder\. The fixed variant holds/);
    expect(lines[4]).toMatch(/^\*\*Cause:\*\* /);
    expect(report).toContain('```sh\nnpm run sim -- --replay somewhere.repro.json\n```');
    const sections = lines.filter((l) => l.startsWith('## '));
    expect(sections).toEqual([
      '## Minimal fault plan',
      '## Timeline',
      '## What happened',
      '## Messages in the causal slice',
      '## The invariant',
      '## The same plan on the fixed variant',
      '## Campaign',
      '## Trace',
    ]);
    expect(report).toContain('| 1 | t=2.001 s | pause | pause client-a for 14058ms |');
    expect(report).toContain('| holders | `["client-a","client-b"]` |');
    expect(report).toContain('![Timeline of 18.064 s: one row per lane');
    expect(report).toContain('[trace.json](trace.json)');
  });

  it('says the runs agree up to a violation only the check can see, and what the fixed run does next', () => {
    // The canary's fix steps down on a deadline the check judges by the clock: the traces agree up to the violation.
    expect(data.cause.sentence).toMatch(/^The run and the same seed and plan on fixed record the same events up to the violation \(t=18\.064 s\).*Past it, the fixed run goes on: t=18\.070 s client-a received acquire\.response 409/);
  });

  it('has one well-formed Mermaid sequence diagram with lanes, the fault window and the violating step', () => {
    const blocks = [...report.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(1);
    const lines = blocks[0]!.split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    let depth = 0;
    for (const line of lines.slice(1)) {
      expect(line).toMatch(/^  (participant L\d+ as [^\n]+|box rgba\([\d., ]+\) read by the check|end|rect rgba\([\d., ]+\)|L\d+(->>|-->>|-x|-\))L\d+: [^\n]+|Note over L\d+(,L\d+)?: [^\n]+)$/);
      if (/^  (box|rect) /.test(line)) depth++;
      if (line === '  end') depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
    expect(lines).toContain('  rect rgba(251, 143, 68, 0.14)');
    expect(lines).toContain('  rect rgba(207, 34, 46, 0.12)');
    expect(lines.some((l) => /^  Note over L\d+(,L\d+)?: t=18\.064 s #10007; single-holder broke/.test(l))).toBe(true);
  });

  it('gives a replay command that works when run, and writes every file of the finding', () => {
    const out = tempDir('sim-report-');
    expect(sim('--scenario', 'canary/lease', '--runs', '30', '--stop-on-failure', '--out', out).code).toBe(1);
    const files = filesUnder(out);
    const reportDir = files.find((f) => f.endsWith('report.md'))!.replace(/\/report\.md$/, '');
    for (const f of ['report.md', 'report.html', 'report.json', 'trace.json', 'timeline.svg']) expect(files).toContain(`${reportDir}/${f}`);
    expect(files).toEqual(expect.arrayContaining(['index.html', 'index.md', 'index.json', MERMAID_ASSET]));
    const markdown = readFileSync(join(out, reportDir, 'report.md'), 'utf8');
    const command = /```sh\nnpm run sim -- (.+)\n```/.exec(markdown)![1]!.split(' ');
    const replayed = sim(...command);
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toContain('replayed exactly');
    expect(readFileSync(join(out, 'index.md'), 'utf8')).toMatch(/\| `[0-9a-f]{8}` \| canary\/lease \| buggy \| \d+ \| safety-violation:single-holder\\\|[\w-]+(\+[\w-]+)* \| \[md\]\(findings\/canary__lease-buggy-[0-9a-f]{8}\/report\.md\)/);
    // The page loads the folder's one copy of Mermaid, so it is small.
    const page = readFileSync(join(out, reportDir, 'report.html'), 'utf8');
    expect(page).toContain('<script src="../../assets/mermaid.min.js"></script>');
    expect(existsSync(join(out, reportDir, '../../assets/mermaid.min.js'))).toBe(true);
    expect(Buffer.byteLength(page)).toBeLessThan(100_000);

    // A second command on the same folder keeps the first one's campaign in the index.
    expect(sim('--scenario', 'canary/lease', '--variant', 'fixed', '--runs', '5', '--out', out).code).toBe(0);
    const index = readFileSync(join(out, 'index.md'), 'utf8');
    expect(index).toMatch(/\| canary\/lease \| buggy \| - \| found \|/);
    expect(index).toMatch(/\| canary\/lease \| fixed \| - \| held \|/);
    expect(index).toContain(`[md](${reportDir}/report.md)`);
  });
});

describe('index', () => {
  const campaignOf = (variant: string, result: string, findings: IndexCampaign['findings']): IndexCampaign => ({ scenario: 'canary/lease', variant, expected: null, result, seed: 1, runs: 10, runsToFirstFailure: null, findings });
  const finding = { id: '0123abcd', fingerprint: 'safety-violation:single-holder|pause', count: 2, dir: 'findings/canary__lease-buggy-0123abcd' };

  it('accumulates campaigns, replaces one run again, and keeps its earlier findings', () => {
    const first = indexFiles(undefined, [campaignOf('buggy', 'found', [finding])]).files;
    const second = indexFiles(first['index.json'], [campaignOf('fixed', 'held', [])]).files;
    expect(second['index.md']).toContain('| canary/lease | buggy |');
    expect(second['index.md']).toContain('| canary/lease | fixed |');
    const again = indexFiles(second['index.json'], [campaignOf('buggy', 'found', [{ ...finding, id: 'ffff0000', dir: 'findings/other' }])]).files;
    const parsed = JSON.parse(again['index.json']!) as { campaigns: IndexCampaign[] };
    expect(parsed.campaigns.map((c) => c.variant)).toEqual(['buggy', 'fixed']);
    expect(parsed.campaigns[0]!.findings.map((f) => f.id)).toEqual(['0123abcd', 'ffff0000']);
  });

  it('replaces an index.json that is not one, and says so', () => {
    const { files, warning } = indexFiles('{"not":"an index"}', [campaignOf('buggy', 'found', [finding])]);
    expect(warning).toMatch(/index\.json was not an index/);
    expect(JSON.parse(files['index.json']!).campaigns).toHaveLength(1);
  });

  it('writes code spans without backslash escapes', () => {
    const { files } = indexFiles(undefined, [campaignOf('buggy', 'found', [{ ...finding, id: '003_5b6e' }])]);
    expect(files['index.md']).toContain('| `003_5b6e` |');
  });
});

describe('escaping', () => {
  const hostileNode = '<script>alert("pwned")</script>';
  const ampNode = 'a&b "quoted" \'single\'';
  const hostile = defineScenario({
    id: 'test/hostile',
    title: 'A <b>bold</b> & "quoted" title',
    description: 'Names built to break out of HTML, Markdown and Mermaid: </pre> `code` | pipes # hashes ; %% comments',
    source: { incident: '003_5b6e`x`|y.txt', figures: [] },
    variants: { buggy: {}, fixed: {} },
    durationMs: 5000,
    build(sim) {
      const a = sim.node(ampNode, probe, (io) => ({ io }));
      const b = sim.node(hostileNode, probe, (io) => ({ io }));
      sim.at(1000, () => a.send({ type: 'do', run: (io) => io.send(hostileNode, { type: '</script><img src=x onerror=alert(1)>' }) }));
      sim.at(500, () => b.send({ type: 'do', run: (io) => io.note('the \u202Eevil\u202C one \u2066hides\u2069 here\u001b[31m') }));
      return { b };
    },
    invariants: ({ b }) => [
      always('no-<img>-received', 'Because "<b>markup</b>" & friends', () =>
        (b.snapshot()?.context.received.length ?? 0) === 0 || violated('got <img src=x onerror=alert(2)> from a&b \u202Eevil', { '<key>': '</script><script>alert(3)</script>' }),
      ),
    ],
  });
  const input = inputFor(hostile, 'buggy', 1, { faults: [] });
  const files = findingFiles(input);
  const page = files['report.html']!;
  const markdown = files['report.md']!;
  const data = buildReport(input);

  it('escapes every model and scenario string in the HTML', () => {
    const body = page.slice(0, page.indexOf('<script src='));
    expect(body).not.toMatch(/<script|<img|<b>|onerror=alert\(1\)>/);
    expect(body).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(body).toContain('a&amp;b &quot;quoted&quot; &#39;single&#39;');
    // Exactly two script elements: the shared Mermaid and its initialisation.
    expect(page.match(/<script[ >]/g)).toHaveLength(2);
    expect(page.match(/<\/script>/g)).toHaveLength(2);
  });

  it('escapes them in the Markdown, and keeps Mermaid labels free of syntax', () => {
    // Outside code spans nothing is markup; inside one, Markdown shows the text literally (it is never HTML there).
    const withoutCode = markdown.replace(/(`+)[^`]*?\1/g, '').replace(/```[\s\S]*?```/g, '');
    expect(withoutCode).not.toMatch(/<script|<img|<b>/);
    expect(markdown).toContain('&lt;script&gt;');
    expect(markdown).toContain('| &lt;key&gt; | `"</script><script>alert(3)</script>"` |');
    const sequence = sequenceDiagram(data);
    const withoutEntities = (line: string) => line.replace(/#\d+;/g, '');
    const label = (line: string) => (line.includes(' as ') ? line.slice(line.indexOf(' as ') + 4) : line.slice(line.indexOf(': ') + 2));
    for (const line of sequence.split('\n').slice(1)) {
      if (/^  (end|rect |box )/.test(line)) continue;
      expect(withoutEntities(label(line))).not.toMatch(/[<>;%#]/);
    }
  });

  it('neutralises bidirectional and control characters in every format', () => {
    for (const [name, text] of Object.entries(files)) {
      expect(text, name).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u001b]/);
    }
    // Markdown escapes the marker's brackets: it shows as [U+202E].
    expect(markdown).toContain('the \\[U+202E\\]evil\\[U+202C\\] one \\[U+2066\\]hides\\[U+2069\\] here\\[U+001B\\]\\[31m');
    expect(page).toContain('the [U+202E]evil[U+202C] one');
    // JSON keeps the value and writes it escaped.
    expect(files['report.json']).toContain('\\u202eevil');
    expect(JSON.stringify(JSON.parse(files['report.json']!))).toContain('\u202Eevil');
    expect(files['timeline.svg']).not.toContain('\u202E');
  });

  it('writes code spans literally, with a longer fence for backticks and \\| only in tables', () => {
    expect(markdown).toContain('Source: ``003_5b6e`x`|y.txt``.');
    expect(code('003_5b6e')).toBe('`003_5b6e`');
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`x')).toBe('`` `x ``');
    expect(code('a|b', true)).toBe('`a\\|b`');
    expect(code('a|b')).toBe('`a|b`');
  });

  it('has helpers that leave nothing active', () => {
    expect(html(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    expect(md('a|b `c` <d> *e* [f](g)')).toBe('a\\|b \\`c\\` &lt;d&gt; \\*e\\* \\[f\\](g)');
    expect(mermaidText('a;b#c<d>:e')).toBe('a#59;b#35;c#60;d#62;#58;e');
    expect(mermaidText('\u202Eevil')).toBe('[U+202E]evil');
    expect(neutralise('ok\tfine\n')).toBe('ok\tfine\n');
    expect(jsonSafe(JSON.stringify('\u2067x'))).toBe('"\\u2067x"');
  });
});

describe('determinism and bounds', () => {
  it('renders the same finding to the same bytes, in every file', () => {
    const one = findingFiles(inputFor(canary, 'buggy', CANARY_SEED, CANARY_PLAN));
    const two = findingFiles(inputFor(canary, 'buggy', CANARY_SEED, CANARY_PLAN));
    expect(Object.keys(two)).toEqual(Object.keys(one));
    for (const name of Object.keys(one)) expect(two[name], name).toBe(one[name]);
    expect(one['report.json']).not.toMatch(/20\d\d-\d\d-\d\dT/); // no wall-clock dates
  });

  it('writes trace.json in the trace-event format', () => {
    const files = findingFiles(inputFor(canary, 'buggy', CANARY_SEED, CANARY_PLAN));
    expect(traceEventProblems(files['trace.json']!)).toEqual([]);
    expect(files['trace.json']).toContain('"name":"thread_name"');
  });

  it('keeps every part bounded on a million-record trace', () => {
    const result = run(canary, 'buggy', CANARY_SEED, CANARY_PLAN, { traceMode: 'full' });
    const big: TraceRecord[] = [];
    const nodes = ['client-a', 'client-b', 'lease-server'];
    for (let i = 0; i < 1_000_000; i++) {
      // Messages sent and delivered a ms later, state changes, and notes in ever new words.
      const node = nodes[Math.floor(i / 4) % 3]!;
      const peer = nodes[(Math.floor(i / 4) + 1) % 3]!;
      const record = (kind: TraceRecord['kind'], on: string, other: string, detail: string): TraceRecord => ({ index: i, atMs: i, node: on, kind, peer: other, detail });
      if (i % 4 === 0) big.push(record('send', node, peer, `ping {"n":${i}}`));
      else if (i % 4 === 1) big.push(record('deliver', peer, node, `ping {"n":${i - 1}}`));
      else if (i % 4 === 2) big.push(record('state', node, '', `s${i % 7} -> s${(i + 1) % 7}`));
      else big.push(record('note', node, '', `note ${i.toString(36).replace(/\d/g, 'x')}`));
    }
    const input = { ...inputFor(canary, 'buggy', CANARY_SEED, CANARY_PLAN, { ...result, trace: big, traceLength: big.length, simulatedMs: 1_000_000 }), fixed: null };
    // One build: the JSON report is the data the others render.
    const files = findingFiles(input);
    const data = JSON.parse(files['report.json']!) as ReturnType<typeof buildReport>;
    expect(data.story.items.filter((i) => i.kind !== 'cut').length).toBeLessThanOrEqual(STORY_ITEMS_MAX);
    expect(data.story.cut).toBeGreaterThan(100_000);
    expect(data.slice.lanes.length).toBeLessThanOrEqual(LANES_MAX);
    expect(data.timeline.rows.reduce((n, r) => n + r.segments.length, 0)).toBeLessThanOrEqual(TIMELINE_SEGMENTS_MAX);
    expect(Buffer.byteLength(files['report.html']!)).toBeLessThan(1_000_000);
    expect(files['report.md']!.length).toBeLessThan(200_000);
    expect(data.trace.fileCut).toBe(1_000_000 - TRACE_RECORDS_MAX);
    expect(traceEventProblems(files['trace.json']!)).toEqual([]);
    // Hang protection only, for a loaded 2-core machine: how fast this is, is measured by npm run bench:reports.
  }, 90_000);

  it('shortens message labels for diagrams', () => {
    expect(compactLabel('acquire.response {"requestId":"c:1","status":409,"body":{"holder":"a"}}')).toBe('acquire.response 409 {"body":{"holder":"a"}}');
    expect(compactLabel('acquire.response {"requestId":"c:1","status":200,"body":null}')).toBe('acquire.response 200');
    expect(compactLabel('acquire {"requestId":"c:1"}')).toBe('acquire');
    expect(compactLabel('acquire: partitioned')).toBe('acquire: partitioned');
  });

  it('shares Mermaid as one asset of the output folder, from npm', () => {
    const assets = outputAssets();
    expect(Object.keys(assets)).toEqual([MERMAID_ASSET]);
    expect(assets[MERMAID_ASSET]!.length).toBeGreaterThan(1_000_000);
    expect(renderHtml(buildReport(inputFor(canary, 'buggy', CANARY_SEED, CANARY_PLAN)))).not.toContain(assets[MERMAID_ASSET]!.slice(0, 200));
    expect(renderJson(buildReport(inputFor(canary, 'buggy', CANARY_SEED, CANARY_PLAN)))).toContain('"format": "chaos-testbed/report"');
  });
});
