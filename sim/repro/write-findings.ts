/**
 * Writing a campaign's findings: for each, its repro file and then its
 * report, each file whole or not at all; and the index of the command's
 * campaigns. Used by the command line (which builds the files in its worker
 * pool) and by the vitest helper (which builds them in its own process).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CampaignSummary, Finding } from '../explore/campaign.ts';
import { outputAssets } from '../../reports/finding-files.ts';
import { INDEX_FILES, indexFiles, type IndexCampaign, type IndexFinding } from '../../reports/index-page.ts';
import { writeFileAtomic } from './files.ts';
import { campaignFigures, findingFiles, type FindingFiles, type FindingRequest } from './finding-files.ts';
import type { AnyScenario } from '../kernel/scenario.ts';

export { replayCommand } from './finding-files.ts';

/** What writing a campaign's findings produced. */
export interface WrittenFindings {
  /** Repro files, first finding first. */
  readonly repros: readonly string[];
  /** Report folders (report.md, report.html, report.json, trace.json, ...), first finding first. */
  readonly reports: readonly string[];
  /** Every file written, in the order written. */
  readonly files: readonly string[];
  /** The campaign's line in the index. */
  readonly index: IndexCampaign;
}

/** Builds a finding's files: in a worker, or here. */
export type Materialize = (request: FindingRequest) => Promise<FindingFiles>;

/** Builds the files in this process (no watchdog: for callers with no pool). */
export function materializeHere(scenario: AnyScenario): Materialize {
  return async (request) => findingFiles(scenario, request);
}

/** The request that builds one finding's files. */
export function findingRequest(summary: CampaignSummary, finding: Finding, scenarioFile: string, outDir: string): FindingRequest {
  return { variant: summary.variant, scenarioFile, finding, campaign: campaignFigures(summary), outDir };
}

/**
 * Writes a finding's files, the repro first, then the report, and the
 * assets its output folder shares (Mermaid, once per folder); returns the
 * paths written.
 */
export function writeFindingFiles(files: FindingFiles): string[] {
  const written: string[] = [];
  for (const [path, content] of files.files) {
    writeFileAtomic(path, content);
    written.push(path);
  }
  const outDir = join(files.reportDir, '..', '..');
  for (const [file, content] of Object.entries(outputAssets())) {
    const path = join(outDir, file);
    if (existsSync(path) && readFileSync(path, 'utf8') === content) continue;
    writeFileAtomic(path, content);
    written.push(path);
  }
  return written;
}

/** Writes every finding of a campaign and returns what it wrote, with the campaign's line in the index. */
export async function writeFindings(
  scenarioId: string,
  scenarioFile: string,
  summary: CampaignSummary,
  outDir: string,
  materialize: Materialize,
  expected: IndexCampaign['expected'] = null,
  result = summary.found ? 'found' : 'held',
): Promise<WrittenFindings> {
  const repros: string[] = [];
  const reports: string[] = [];
  const written: string[] = [];
  const findings: IndexFinding[] = [];
  for (const finding of summary.findings) {
    const files = await materialize(findingRequest(summary, finding, scenarioFile, outDir));
    written.push(...writeFindingFiles(files));
    repros.push(files.reproPath);
    reports.push(files.reportDir);
    findings.push({ id: finding.fingerprintId, fingerprint: finding.fingerprint, count: finding.count, dir: `findings/${files.reportDir.split('/').pop()}` });
  }
  return {
    repros,
    reports,
    files: written,
    index: {
      scenario: scenarioId,
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

/**
 * Writes the index of a command's campaigns into `outDir`, merged with the
 * campaigns already listed there (`index.json`): `index.json`, `index.md`
 * and `index.html`.
 */
export function writeIndex(outDir: string, campaigns: readonly IndexCampaign[]): string[] {
  const jsonPath = join(outDir, INDEX_FILES.json);
  const { files, warning } = indexFiles(existsSync(jsonPath) ? readFileSync(jsonPath, 'utf8') : undefined, campaigns);
  if (warning !== undefined) process.stderr.write(`warning: ${warning}\n`);
  return Object.entries(files).map(([file, content]) => {
    const path = join(outDir, file);
    writeFileAtomic(path, content);
    return path;
  });
}
