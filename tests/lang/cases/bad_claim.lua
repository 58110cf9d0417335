claim { id = "ratio", text = 1.5 }
