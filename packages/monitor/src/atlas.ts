import type { AtlasTechnique } from './alert.js';

// The MITRE ATLAS techniques the rules name (https://atlas.mitre.org), in one place so every rule
// that concerns one writes it the same way.

const EXFILTRATION = { id: 'AML.TA0010', name: 'Exfiltration' } as const;
const MODEL_ACCESS = { id: 'AML.TA0000', name: 'AI Model Access' } as const;
const IMPACT = { id: 'AML.TA0011', name: 'Impact' } as const;
const PERSISTENCE = { id: 'AML.TA0006', name: 'Persistence' } as const;

function technique(id: string, name: string, tactic: AtlasTechnique['tactic']): AtlasTechnique {
  return { id, name, reference: `https://atlas.mitre.org/techniques/${id}`, tactic };
}

export const ATLAS = {
  /** Querying the model's API many times to rebuild it or its training data. */
  exfiltrationViaInferenceApi: technique('AML.T0024', 'Exfiltration via AI Inference API', EXFILTRATION),
  /** Using the inference API to learn about, or stage an attack on, the model. */
  inferenceApiAccess: technique('AML.T0040', 'AI Model Inference API Access', MODEL_ACCESS),
  /** A model file replaced or planted: a backdoored or poisoned model. */
  backdoorModel: technique('AML.T0018', 'Manipulate AI Model', PERSISTENCE),
  /** Flooding the service to degrade it or run up its cost. */
  denialOfService: technique('AML.T0029', 'Denial of AI Service', IMPACT),
  /** Spending the service's compute (cost harvesting). */
  costHarvesting: technique('AML.T0034', 'Cost Harvesting', IMPACT),
} as const;
