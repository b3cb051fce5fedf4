// Registers every importer (each module calls registerImporter at load). Add new formats here.
import './rfc-index.js';
import './ics.js';
import './ccs.js';
import './relaton.js';
import './samr-json.js';
import './sts.js';
import './rfc-text.js';
