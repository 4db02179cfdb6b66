import type { Command } from 'commander';
import { explainDecisionAt, explanationText } from '../backtest/decision-explanation.js';
import { badModels } from '../ml/model-files.js';
import { ModelEnsemble } from '../ml/model-ensemble.js';
import { featureMeaning } from '../ml/feature-meaning.js';
import { DEFAULT_FEATURE_CONFIG } from '../model/bar-features.js';
import { msToNs } from '../model/time.js';
import { DEFAULT_SIGNAL_ENGINE_CONFIG } from '../signals/signal-engine.js';
import { isoTime } from './options.js';

interface ExplainCliOptions {
  models: string;
  input: string;
  at: number;
  symbol?: string;
  instrument?: string;
  json?: boolean;
}

/**
 * `mia explain`: replays a trade file through the backtest's pipeline with the models of `mia train` and prints the
 * last ML-scored decision at or before --at with each model's score, base value and per-feature SHAP contributions
 * (docs/ml.md "Explanations"); --json prints the same as one JSON object.
 */
export function explainCommand(program: Command): void {
  program
    .command('explain')
    .description('explain an ML-scored decision: each model\'s score, base value and the SHAP contribution of each feature')
    .requiredOption('--models <dir>', 'models directory written by mia train (with explain.json)')
    .requiredOption('--input <file>', 'trade file: .csv, .dbn or .dbn.zst')
    .requiredOption('--at <iso>', 'market time: the last scored decision at or before it is explained', isoTime('--at'))
    .option('--symbol <symbol>', 'raw symbol or instrument id in a file with several')
    .option('--instrument <root>', 'contract: ES or NQ (default: from the symbol or the file name)')
    .option('--json', 'print one JSON object instead of text')
    .addHelpText('after', '\nExample:\n  mia explain --models models --input ../shared/data/cme-esh4-mbo/esh4_20231225_trades.csv --at 2023-12-25T23:45:00Z\n')
    .action(async (o: ExplainCliOptions) => {
      const ensemble = await ModelEnsemble.load(o.models);
      try {
        if (!ensemble.explainer) throw badModels(o.models, 'no explain.json (trained before explanations existed): train the models again with mia train');
        // The features must mean what they meant at training, as in a backtest.
        const mismatch = ensemble.mismatch(featureMeaning(DEFAULT_FEATURE_CONFIG, true, DEFAULT_SIGNAL_ENGINE_CONFIG));
        if (mismatch) throw mismatch;
        const x = await explainDecisionAt({
          input: o.input, ensemble, atNs: msToNs(o.at),
          ...(o.symbol !== undefined ? { symbol: o.symbol } : {}), ...(o.instrument !== undefined ? { instrument: o.instrument } : {}),
        });
        process.stdout.write(o.json ? `${JSON.stringify(x)}\n` : explanationText(x));
      } finally {
        ensemble.close();
      }
    });
}
