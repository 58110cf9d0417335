sizes = { 8, 16 }
