// Pages that only show a message (no access, server trouble): the top bar still works.

import { boot } from './dom.js';
import { startShell } from './shell.js';

if (boot.userId) startShell();
