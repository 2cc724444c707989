// The action's entry point: runs the action. Tests import main.ts instead, so nothing starts.
import { run } from './main.js'

void run()
