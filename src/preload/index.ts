import { contextBridge, ipcRenderer } from 'electron'
import { createTekenApi } from '../shared/api'

// The renderer gets named, validated methods only; ipcRenderer itself never crosses the bridge.
contextBridge.exposeInMainWorld(
  'teken',
  createTekenApi((channel, request) => ipcRenderer.invoke(channel, request)),
)
