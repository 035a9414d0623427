// Office.js types are global (the `Office` namespace); every add-in file sees them through this line.
/// <reference types="office-js" />
/// <reference types="vite/client" />
