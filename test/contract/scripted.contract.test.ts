// The scripted test connector passes the same contract as every real connector.
import { defineConnectorContract } from './connector-contract.js';
import { CONTRACT_DOCUMENTS } from './contract-documents.js';
import { ScriptedConnector } from '../../connectors/scripted/index.js';

defineConnectorContract(
  'scripted',
  async () => ({
    connector: new ScriptedConnector({
      name: 'scripted',
      ranking: 'match',
      documents: CONTRACT_DOCUMENTS.map((doc) => ({ id: doc.id, title: doc.title, text: doc.text, url: doc.url, updatedAt: doc.updatedAt })),
    }),
  }),
  { recognizesUrls: true },
);
