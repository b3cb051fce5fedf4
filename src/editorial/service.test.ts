import { testServices } from '../testing/services.js';
import { editorialUseCaseContract } from './usecases.case.js';

editorialUseCaseContract('SQLite', () => testServices());
