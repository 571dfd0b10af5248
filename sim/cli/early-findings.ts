/**
 * Findings written as they turn up, so an interrupted command keeps them
 * (issue 15); the command rewrites them with the final figures.
 *
 * A campaign that stops at its first failure runs several runs at once, so a
 * later run can fail, and be written, before the first failing one ends; the
 * final summary then stops before it. Such a finding is retracted: the
 * output folder holds exactly the final summary's findings, whatever the
 * timing (otherwise the gallery depended on which worker finished first).
 */
import { rmSync, readdirSync, rmdirSync } from 'node:fs';
import { summarize, type CampaignSpec, type CampaignSummary } from '../explore/campaign.ts';
import type { CaseResult } from '../explore/explore-run.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import { findingRequest, writeFindingFiles, type Materialize } from '../repro/write-findings.ts';

export interface EarlyFindings {
  /** Writes every finding of `cases` not written yet, one at a time, in the order found. */
  found(cases: readonly CaseResult[]): void;
  /** Waits for the writes, then removes the files of findings `final` does not have. */
  settle(final: CampaignSummary): Promise<void>;
}

export function earlyFindings(materialize: Materialize, spec: CampaignSpec, scenario: AnyScenario, scenarioFile: string, outDir: string): EarlyFindings {
  const queued = new Set<string>();
  /** The repro and report files written for each finding, by fingerprint id. */
  const written = new Map<string, { readonly files: readonly string[]; readonly reportDir: string }>();
  let chain: Promise<void> = Promise.resolve();
  return {
    found(cases) {
      const summary = summarize(scenario, spec, cases);
      for (const finding of summary.findings) {
        if (queued.has(finding.fingerprintId)) continue;
        queued.add(finding.fingerprintId);
        const request = findingRequest(summary, finding, scenarioFile, outDir);
        chain = chain.then(async () => {
          const files = await materialize(request);
          writeFindingFiles(files);
          written.set(finding.fingerprintId, { files: files.files.map(([path]) => path), reportDir: files.reportDir });
        });
      }
    },
    async settle(final) {
      await chain;
      const kept = new Set(final.findings.map((f) => f.fingerprintId));
      for (const [id, { files, reportDir }] of written) {
        if (kept.has(id)) continue;
        for (const path of files) rmSync(path, { force: true });
        removeIfEmpty(reportDir);
      }
    },
  };
}

function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // Already gone: nothing to remove.
  }
}
