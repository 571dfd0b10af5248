/**
 * Writing a campaign's findings: for each, a repro file and a report, side
 * by side in the output folder, and the index of the command's campaigns.
 * Used by the command line and by the vitest helper alike.
 */
import { join } from 'node:path';
import type { CampaignSummary } from '../explore/campaign.ts';
import { declaredInvariants } from '../kernel/declared-invariants.ts';
import { run } from '../kernel/run.ts';
import { stableStringify } from '../kernel/stable-json.ts';
import { projectRelative } from '../load/discover.ts';
import type { LoadedScenario } from '../load/scenario-module.ts';
import { CLI } from '../identity.ts';
import { buildReport } from '../../reports/build-report.ts';
import { renderHtml } from '../../reports/html.ts';
import { renderIndexHtml, renderIndexMarkdown, type IndexCampaign, type IndexFinding } from '../../reports/index-page.ts';
import { renderJson } from '../../reports/json.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { seriesFor } from '../../reports/series.ts';
import { writeFileAtomic } from './files.ts';
import { reproFileName, reproFromRun, runForRepro } from './repro-file.ts';

/** What writing a campaign's findings produced. */
export interface WrittenFindings {
  /** Repro files, first finding first. */
  readonly repros: readonly string[];
  /** Report folders (report.md, report.html, report.json), first finding first. */
  readonly reports: readonly string[];
  /** The campaign's line in the index. */
  readonly index: IndexCampaign;
}

/**
 * Writes, for each finding, a repro file and a report in three formats. The
 * minimal plan is run once more with a full trace (the repro's checkpoints
 * and the report's narrative both come from it), and once on the fixed
 * variant for the report's comparison.
 */
export function writeFindings(
  entry: LoadedScenario,
  root: string,
  summary: CampaignSummary,
  outDir: string,
  expected: IndexCampaign['expected'] = null,
  result = summary.found ? 'found' : 'held',
): WrittenFindings {
  const { scenario } = entry;
  const scenarioFile = projectRelative(root, entry.file);
  const repros: string[] = [];
  const reports: string[] = [];
  const findings: IndexFinding[] = [];
  const invariants = declaredInvariants(scenario, summary.variant);
  for (const finding of summary.findings) {
    const { plan } = finding.repro;
    const minimal = runForRepro(scenario, summary.variant, finding.seed, plan);
    const repro = reproFromRun(scenario, summary.variant, finding.seed, plan, minimal, {
      fingerprint: finding.fingerprint,
      fingerprintId: finding.fingerprintId,
      oneMinimal: finding.repro.oneMinimal,
      campaignSeed: summary.seed,
      run: finding.firstRun,
    }, scenarioFile);
    const name = reproFileName(scenario.id, summary.variant, finding.fingerprintId);
    const reproPath = join(outDir, 'repros', name);
    writeFileAtomic(reproPath, stableStringify(repro) + '\n');
    repros.push(reproPath);

    const broken = 'invariant' in minimal.outcome ? minimal.outcome.invariant : '';
    const data = buildReport({
      scenario,
      variant: summary.variant,
      seed: finding.seed,
      plan,
      oneMinimal: finding.repro.oneMinimal,
      fingerprint: { id: finding.fingerprintId, text: finding.fingerprint, count: finding.count },
      run: minimal,
      invariantWhy: invariants.find((inv) => inv.name === broken)?.why ?? '',
      replayCommand: replayCommand(reproPath),
      fixed: summary.variant === 'fixed' ? null : { variant: 'fixed', outcome: run(scenario, 'fixed', finding.seed, plan).outcome },
      series: seriesFor(scenario, summary.variant, finding.seed, plan),
      campaign: {
        seed: summary.seed,
        runs: summary.runs,
        runsToFirstFailure: summary.runsToFirstFailure,
        simulatedMs: summary.simulatedMs,
        faultsFired: summary.faultsFired,
        statesReached: summary.coverage.states.length,
        transitionsReached: summary.coverage.transitions.length,
        warnings: summary.warnings,
      },
    });
    const dirName = name.replace(/\.repro\.json$/, '');
    const reportDir = join(outDir, 'findings', dirName);
    writeFileAtomic(join(reportDir, 'report.md'), renderMarkdown(data));
    writeFileAtomic(join(reportDir, 'report.html'), renderHtml(data));
    writeFileAtomic(join(reportDir, 'report.json'), renderJson(data));
    reports.push(reportDir);
    findings.push({ id: finding.fingerprintId, fingerprint: finding.fingerprint, count: finding.count, dir: `findings/${dirName}` });
  }
  return {
    repros,
    reports,
    index: {
      scenario: scenario.id,
      variant: summary.variant,
      expected,
      result,
      seed: summary.seed,
      runs: summary.runs,
      runsToFirstFailure: summary.runsToFirstFailure,
      findings,
    },
  };
}

/** The command that replays a repro file. */
export function replayCommand(reproPath: string): string {
  return `${CLI} replay ${reproPath}`;
}

/** Writes the index of a command's campaigns: `index.md` and `index.html` in `outDir`. */
export function writeIndex(outDir: string, campaigns: readonly IndexCampaign[]): string[] {
  const md = join(outDir, 'index.md');
  const htmlPath = join(outDir, 'index.html');
  writeFileAtomic(md, renderIndexMarkdown(campaigns));
  writeFileAtomic(htmlPath, renderIndexHtml(campaigns));
  return [md, htmlPath];
}

