// The settings form: stored as typed (store.js says where), checked and turned into request fields when sending.

export const DEFAULT_SETTINGS = Object.freeze({
  model: '',
  systemPrompt: '',
  temperature: '0.7',
  topP: '0.95',
  maxTokens: '512',
  seed: '',
  extra: '',
  apiKey: '',
  rememberKey: false,
});

export class SettingsError extends Error {
  constructor(message, fieldId) {
    super(message);
    this.fieldId = fieldId;
  }
}

/** Fills the form from the settings and writes every edit back, calling onChange(name). */
export function bindSettingsForm(form, settings, onChange) {
  for (const input of form.elements) {
    if (!(input.name in settings)) continue;
    const property = input.type === 'checkbox' ? 'checked' : 'value';
    input[property] = settings[input.name];
    input.addEventListener('input', () => {
      settings[input.name] = input[property];
      input.removeAttribute('aria-invalid');
      onChange(input.name);
    });
  }
}

/** The sampling fields of a chat request; throws SettingsError naming the field at fault. */
export function samplingFields(settings) {
  const fields = {};
  const temperature = number(settings.temperature, 'temperature', 'Temperature', value => value >= 0 && value <= 2, 'between 0 and 2');
  if (temperature !== null) fields.temperature = temperature;
  const topP = number(settings.topP, 'top-p', 'Top p', value => value > 0 && value <= 1, 'above 0 and at most 1');
  if (topP !== null) fields.top_p = topP;
  const maxTokens = number(settings.maxTokens, 'max-tokens', 'Max tokens', value => Number.isInteger(value) && value >= 1, 'a whole number of at least 1');
  if (maxTokens !== null) fields.max_tokens = maxTokens;
  const seed = number(settings.seed, 'seed', 'Seed', Number.isSafeInteger, 'a whole number');
  if (seed !== null) fields.seed = seed;
  return { ...fields, ...extraFields(settings.extra) };
}

function number(raw, fieldId, label, valid, expectation) {
  const text = String(raw ?? '').trim();
  if (!text) return null;
  const value = Number(text);
  if (!Number.isFinite(value) || !valid(value)) throw new SettingsError(`${label} must be ${expectation}.`, fieldId);
  return value;
}

function extraFields(raw) {
  const text = String(raw ?? '').trim();
  if (!text) return {};
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SettingsError(`Extra request fields are not valid JSON: ${error.message}`, 'extra-fields');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SettingsError('Extra request fields must be a JSON object, like {"top_k": 40}.', 'extra-fields');
  }
  return value;
}
